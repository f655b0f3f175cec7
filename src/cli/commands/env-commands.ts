// CLI commands for a slot's environment: list (masked unless --reveal), set and unset (each rolls out a new release).
import type { Command } from 'commander';
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
    .description('list the variables (values masked unless --reveal)')
    .option('--reveal', 'show the values')
    .action((slot: string, options: { reveal?: boolean }) =>
      run(async (client, output) => {
        const result = await client.env(slot, Boolean(options.reveal));
        if (output.json) return output.line(JSON.stringify(result, null, 2));
        const rows = Object.entries(result.env).sort(([a], [b]) => a.localeCompare(b));
        output.line(rows.length === 0 ? `slot ${slot} has no environment variables` : table(rows, ['KEY', 'VALUE']));
      }),
    );

  const change = (slot: string, changes: { set?: Record<string, string>; unset?: string[] }) =>
    run(async (client, output) => {
      const result = await client.changeEnv(slot, changes);
      if (result.deployment) printDeployment(output, result.deployment);
      else if (output.json) output.line(JSON.stringify(result, null, 2));
      else output.line(`saved; the next deploy of slot ${slot} uses it`);
    });

  env
    .command('set <slot> <assignments...>')
    .description('set KEY=VALUE pairs; a live app gets them through a new release with zero downtime')
    .action((slot: string, assignments: string[]) => change(slot, { set: parseAssignments(assignments) }));

  env
    .command('unset <slot> <keys...>')
    .description('remove variables; a live app is rolled out again without them')
    .action((slot: string, keys: string[]) => change(slot, { unset: keys }));
}
