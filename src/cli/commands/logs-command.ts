// `berth logs <slot>`: the last lines of a slot's app log, or a live follow that resumes by cursor. `berth events`:
// what happened to the slots and who did it.
import type { Command } from 'commander';
import type { LogLineView } from '../../sdk/schemas.js';
import { formatTime, paint, table, type Output } from '../output.js';
import type { Run } from './slot-commands.js';

function printLines(output: Output, lines: LogLineView[]): void {
  if (output.json) {
    for (const line of lines) output.line(JSON.stringify(line));
    return;
  }
  for (const line of lines) {
    const prefix = paint(output, 'dim', `${formatTime(line.time)} r${line.release}`);
    const text = line.stream === 'err' ? paint(output, 'red', line.text) : line.stream === 'sys' ? paint(output, 'yellow', `[berth] ${line.text}`) : line.text;
    output.line(`${prefix} ${text}`);
  }
}

export function registerLogsCommand(program: Command, run: Run): void {
  program
    .command('events [slot]')
    .description('what happened (deploys, state changes, crashes, env and settings changes) and who did it')
    .action((slot: string | undefined) =>
      run(async (client, output) => {
        const events = await client.events(slot);
        if (output.json) return output.line(JSON.stringify(events, null, 2));
        const rows = events.map((event) => [formatTime(event.at), event.slot ?? '-', event.type, event.actor ?? 'berth', event.message]);
        output.line(rows.length === 0 ? 'no events yet' : table(rows, ['TIME', 'SLOT', 'EVENT', 'BY', 'WHAT']));
      }),
    );

  program
    .command('logs <slot>')
    .description("show a slot's app log (stdout, stderr and berth's own notes)")
    .option('-f, --follow', 'keep printing new lines as they come')
    .option('-n, --lines <count>', 'how many of the last lines to show', '100')
    .option('--release <number>', 'only lines of this release')
    .action((slot: string, options: { follow?: boolean; lines: string; release?: string }) =>
      run(async (client, output) => {
        const tail = Number(options.lines);
        const release = options.release === undefined ? undefined : Number(options.release);
        if (!options.follow) {
          const page = await client.logs(slot, { tail, release });
          printLines(output, page.lines);
          return;
        }
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        await client.followLogs(
          slot,
          { tail, release },
          (message) => {
            if (message.type === 'lines') printLines(output, message.lines);
            else output.error(paint(output, 'yellow', `[berth] ${message.count} line(s) missed: ${message.reason}`));
          },
          controller.signal,
        );
      }),
    );
}
