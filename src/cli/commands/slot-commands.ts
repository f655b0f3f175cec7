// CLI commands about slots: status, start/stop/restart, releases, rollback.
import type { Command } from 'commander';
import type { BerthClient } from '../../sdk/client.js';
import type { Deployment, SlotStatus } from '../../sdk/schemas.js';
import { CliError, formatBytes, formatTime, formatUptime, paint, table, type Output } from '../output.js';

export type Run = (work: (client: BerthClient, output: Output) => Promise<void>) => Promise<void>;
/** For commands that need no daemon. */
export type LocalRun = (work: (output: Output) => Promise<void>) => Promise<void>;

const STATE_STYLE: Record<string, 'green' | 'yellow' | 'red' | 'dim'> = { running: 'green', starting: 'yellow', restarting: 'yellow', crashed: 'red', stopped: 'dim', empty: 'dim' };

function printStatus(output: Output, slots: SlotStatus[]): void {
  const rows = slots.map((slot) => [
    slot.slot,
    paint(output, STATE_STYLE[slot.state] ?? 'dim', slot.state),
    slot.release === null ? '-' : String(slot.release),
    slot.pid === null ? '-' : String(slot.pid),
    slot.port === null ? '-' : String(slot.port),
    formatUptime(slot.uptimeMs),
    slot.pid === null ? '-' : `${slot.cpuPercent.toFixed(1)}%`,
    formatBytes(slot.memoryBytes),
    String(slot.restarts),
    slot.url,
  ]);
  output.line(table(rows, ['SLOT', 'STATE', 'RELEASE', 'PID', 'PORT', 'UPTIME', 'CPU', 'MEMORY', 'RESTARTS', 'URL']));
  for (const slot of slots.filter((candidate) => candidate.reason)) output.line(`\n${paint(output, 'red', `slot ${slot.slot}:`)} ${slot.reason}`);
}

export function printDeployment(output: Output, deployment: Deployment | null, url?: string): void {
  if (output.json) {
    output.line(JSON.stringify(deployment, null, 2));
    return;
  }
  if (!deployment) return;
  // A deployment without a switch (an env change while the slot is stopped) recorded a release but started nothing.
  if (!deployment.stages.some((stage) => stage.name === 'switch')) {
    output.line(`${paint(output, 'green', '✓')} release ${deployment.releaseSeq} of slot ${deployment.slot} is saved; it runs when the slot starts`);
    return;
  }
  const stages = deployment.stages.map((stage) => `${stage.name} ${stage.finishedAt ? `${stage.finishedAt - stage.startedAt} ms` : '…'}`).join(', ');
  output.line(`${paint(output, 'green', '✓')} release ${deployment.releaseSeq} of slot ${deployment.slot} is live${url ? ` at ${url}` : ''}`);
  output.line(paint(output, 'dim', `  deployment ${deployment.id} (${deployment.trigger}): ${stages}`));
}

export function registerSlotCommands(program: Command, run: Run): void {
  program
    .command('status [slot]')
    .description('show every slot (or one): state, release, pid, port, uptime, cpu, memory, restarts, URL')
    .action((slot?: string) =>
      run(async (client, output) => {
        const slots = slot ? [await client.slot(slot)] : await client.status();
        if (output.json) output.line(JSON.stringify(slot ? slots[0] : slots, null, 2));
        else printStatus(output, slots);
      }),
    );

  for (const action of ['start', 'restart'] as const) {
    program
      .command(`${action} <slot>`)
      .description(action === 'start' ? "start a stopped slot's live release" : 'restart a slot with zero downtime (new process beside the old one)')
      .action((slot: string) => run(async (client, output) => printDeployment(output, await client[action](slot), (await client.slot(slot)).url)));
  }

  program
    .command('stop <slot>')
    .description("stop a slot's app (its page then says it is stopped)")
    .action((slot: string) =>
      run(async (client, output) => {
        await client.stop(slot);
        if (output.json) output.line(JSON.stringify({ slot, state: 'stopped' }));
        else output.line(`slot ${slot} stopped`);
      }),
    );

  program
    .command('releases <slot>')
    .description('list the kept releases of a slot')
    .action((slot: string) =>
      run(async (client, output) => {
        const { releases } = await client.releases(slot);
        if (output.json) return output.line(JSON.stringify(releases, null, 2));
        const rows = releases.map((release) => [release.live ? paint(output, 'green', `* ${release.seq}`) : `  ${release.seq}`, formatTime(release.createdAt), release.kind, release.command ?? '-', release.envKeys.join(',') || '-', release.note]);
        output.line(table(rows, ['RELEASE', 'CREATED', 'KIND', 'COMMAND', 'ENV', 'NOTE']));
      }),
    );

  program
    .command('rollback <slot> [release]')
    .description('switch back to a kept release (default: the one before the live one), with the env it had')
    .action((slot: string, release?: string) =>
      run(async (client, output) => printDeployment(output, await client.rollback(slot, release === undefined ? undefined : parseRelease(release)), (await client.slot(slot)).url)),
    );
}

function parseRelease(text: string): number {
  const value = Number(text.replace(/^r/, ''));
  if (!Number.isInteger(value) || value <= 0) throw new CliError('ERR_RELEASE_UNKNOWN', `"${text}" is not a release number.`, 'Use a release number shown by `berth releases <slot>`.');
  return value;
}
