// CLI commands for a slot's environment: list (secret values masked unless --reveal), get one value, set, unset,
// import a .env file, mark secrets. A change to a live slot rolls out a new release.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readAll } from '../input.js';
import { CliError, table } from '../output.js';
import { printDeployment, type Run } from './slot-commands.js';

export function parseAssignments(pairs: string[]): Record<string, string> {
  const set: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new CliError('ERR_ENV_INVALID', `"${pair}" is not KEY=VALUE.`, 'Write each variable as KEY=VALUE, for example `berth env set a API_URL=https://example.com`.');
    }
    set[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return set;
}

export function registerEnvCommands(program: Command, run: Run): void {
  const env = program.command('env').description("read and change a slot's environment variables");

  env
    .command('list <slot>')
    .description('list the variables (secret values masked unless --reveal; each reveal is recorded)')
    .option('--reveal', 'show the secret values too')
    .action((slot: string, options: { reveal?: boolean }) =>
      run(async (client, output) => {
        const result = await client.env(slot);
        if (options.reveal) for (const key of result.secrets) result.env[key] = await client.revealEnv(slot, key);
        if (output.json) return output.line(JSON.stringify(result, null, 2));
        const rows = Object.entries(result.env)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => [key, value, result.secrets.includes(key) ? 'secret' : '']);
        output.line(rows.length === 0 ? `slot ${slot} has no environment variables` : table(rows, ['KEY', 'VALUE', '']));
      }),
    );

  env
    .command('get <slot> <key>')
    .description('print one value, secret or not (a reveal is recorded as an event)')
    .action((slot: string, key: string) => run(async (client, output) => output.line(await client.revealEnv(slot, key))));

  const change = (slot: string, changes: { set?: Record<string, string>; unset?: string[]; secret?: string[]; plain?: string[] }) =>
    run(async (client, output) => {
      const result = await client.changeEnv(slot, changes);
      if (result.deployment) printDeployment(output, result.deployment);
      else if (output.json) output.line(JSON.stringify(result, null, 2));
      else output.line(`saved; the next deploy of slot ${slot} uses it`);
    });

  env
    .command('set <slot> <assignments...>')
    .description('set KEY=VALUE pairs; a live app gets them through a new release with zero downtime')
    .option('--secret', 'mark these variables secret (masked everywhere; *_KEY, *_TOKEN, *PASSWORD* and the like are secret anyway)')
    .action((slot: string, assignments: string[], options: { secret?: boolean }) => {
      const set = parseAssignments(assignments);
      return change(slot, { set, secret: options.secret ? Object.keys(set) : [] });
    });

  env
    .command('import <slot> [file]')
    .description('set every variable of a .env file (or stdin)')
    .option('--secret', 'mark them all secret')
    .action((slot: string, file: string | undefined, options: { secret?: boolean }) =>
      run(async (client, output) => {
        const text = file ? await readFile(file, 'utf8') : await readAll(process.stdin);
        const result = await client.importEnv(slot, text, Boolean(options.secret));
        if (result.deployment) printDeployment(output, result.deployment);
        else output.line(output.json ? JSON.stringify(result, null, 2) : `saved; the next deploy of slot ${slot} uses it`);
      }),
    );

  env
    .command('secret <slot> <keys...>')
    .description('mark variables secret (--off to unmark)')
    .option('--off', 'unmark them')
    .action((slot: string, keys: string[], options: { off?: boolean }) => change(slot, options.off ? { plain: keys } : { secret: keys }));

  env
    .command('unset <slot> <keys...>')
    .description('remove variables; a live app is rolled out again without them')
    .action((slot: string, keys: string[]) => change(slot, { unset: keys }));
}
