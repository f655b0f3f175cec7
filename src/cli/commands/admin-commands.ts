// CLI commands for access to the admin UI and API: login codes, the password, and scoped API tokens.
import type { Command } from 'commander';
import { readAll, askHidden } from '../input.js';
import { CliError, table } from '../output.js';
import type { Run } from './slot-commands.js';

const ROLES = ['read', 'deploy', 'manage', 'admin'] as const;

async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return (await readAll(process.stdin)).replace(/\r?\n$/, '');
  const first = await askHidden('new admin password: ');
  const again = await askHidden('once more: ');
  if (first !== again) throw new CliError('ERR_BAD_REQUEST', 'The two passwords differ.', 'Run the command again and type the same password twice.');
  return first;
}

export function registerAdminCommands(program: Command, run: Run): void {
  const admin = program.command('admin').description('access to the admin UI');
  admin
    .command('login-code')
    .description('print a one-time login code for the admin UI (valid 15 minutes, once)')
    .action(() =>
      run(async (client, output) => {
        const { code, expiresAt } = await client.loginCode();
        if (output.json) return output.line(JSON.stringify({ code, expiresAt }));
        output.line(`login code: ${code}  (valid until ${new Date(expiresAt).toLocaleTimeString()}, once)`);
      }),
    );
  admin
    .command('reset-password')
    .description('set a new admin password (typed at the terminal, or read from stdin); signs every browser out')
    .action(() =>
      run(async (client, output) => {
        await client.setPassword(await readNewPassword());
        output.line('admin password set; every browser session was signed out');
      }),
    );

  const token = program.command('token').description('API tokens for automation (CI, scripts)');
  token
    .command('create <name>')
    .description('create a token; it is printed once')
    .option('--role <role>', `what it may do: ${ROLES.join(', ')} (each includes the ones before)`, 'deploy')
    .option('--slot <slot...>', 'limit it to these slots (default: every slot)')
    .action((name: string, options: { role: string; slot?: string[] }) =>
      run(async (client, output) => {
        if (!ROLES.includes(options.role as (typeof ROLES)[number])) {
          throw new CliError('ERR_BAD_REQUEST', `"${options.role}" is not a role.`, `Use one of ${ROLES.join(', ')}.`);
        }
        const created = await client.createToken({ name, role: options.role as (typeof ROLES)[number], slots: options.slot ?? null });
        if (output.json) return output.line(JSON.stringify(created, null, 2));
        output.line(created.token);
        output.error(`token "${name}" (${created.record.role} on ${created.record.slots?.join(', ') ?? 'every slot'}) created; it is shown only now`);
      }),
    );
  token
    .command('list')
    .description('list the tokens (never their values)')
    .action(() =>
      run(async (client, output) => {
        const tokens = await client.tokens();
        if (output.json) return output.line(JSON.stringify(tokens, null, 2));
        const when = (at: number | null) => (at ? new Date(at).toISOString().slice(0, 16).replace('T', ' ') : 'never');
        const rows = tokens.map((entry) => [entry.name, entry.role, entry.slots?.join(',') ?? '*', entry.createdBy, when(entry.createdAt), when(entry.lastUsedAt)]);
        output.line(rows.length === 0 ? 'no API tokens' : table(rows, ['NAME', 'ROLE', 'SLOTS', 'BY', 'CREATED', 'LAST USED']));
      }),
    );
  token
    .command('revoke <name>')
    .description('revoke a token at once')
    .action((name: string) =>
      run(async (client, output) => {
        const revoked = await client.revokeToken(name);
        output.line(`token "${revoked.name}" revoked`);
      }),
    );
}
