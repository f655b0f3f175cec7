// CLI commands for a slot's Convex backend: its status and URLs, the env the app and its build get (`urls`), and the
// env the app's functions see (`env list|set|unset`, through the backend's API).
import type { Command } from 'commander';
import { CliError } from '../output.js';
import type { Run } from './slot-commands.js';

function parseAssignments(pairs: string[]): Record<string, string> {
  const set: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError('ERR_BAD_REQUEST', `"${pair}" is not KEY=VALUE.`, 'Write each variable as KEY=VALUE, for example SITE_URL=https://example.com.');
    set[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return set;
}

export function registerConvexCommands(program: Command, run: Run): void {
  const convex = program.command('convex').description("a slot's self-hosted Convex backend (docs/convex.md)");
  convex
    .command('status <slot>')
    .description('whether the slot has a Convex backend, where it listens, its public URLs')
    .action((slot: string) =>
      run(async (client, output) => {
        const status = await client.convex(slot);
        if (output.json) return output.line(JSON.stringify(status, null, 2));
        if (!status.enabled) return output.line(`slot ${slot} has no Convex backend (deploy a Convex app, or \`berth slot set ${slot} --convex\`)`);
        output.line(`slot ${slot}: Convex backend ${status.instanceName} ${status.running ? `running (pid ${status.pid})` : 'not running'} on 127.0.0.1:${status.port} (HTTP actions :${status.sitePort})`);
        output.line(`  public API   ${status.urls.api}`);
        output.line(`  public site  ${status.urls.site}`);
      }),
    );
  convex
    .command('urls <slot>')
    .description('the env the Convex app and its build get: URLs and the admin key (masked unless --reveal)')
    .option('--reveal', 'show the admin key (recorded)')
    .action((slot: string, options: { reveal?: boolean }) =>
      run(async (client, output) => {
        const status = await client.convex(slot, options.reveal === true);
        if (output.json) return output.line(JSON.stringify(status.env, null, 2));
        if (!status.enabled) return output.line(`slot ${slot} has no Convex backend`);
        for (const [name, value] of Object.entries(status.env)) output.line(`${name}=${value}`);
      }),
    );
  convex
    .command('doctor <slot>')
    .description("check the slot's Convex backend and app, with a remedy for each problem (exit 1 on a failure)")
    .action((slot: string) =>
      run(async (client, output) => {
        const findings = await client.convexDoctor(slot);
        if (findings.some((finding) => finding.verdict === 'fail')) process.exitCode = 1;
        if (output.json) return output.line(JSON.stringify(findings, null, 2));
        for (const finding of findings) {
          output.line(`${{ ok: '✓', warn: '!', fail: '✗' }[finding.verdict]} ${finding.check.padEnd(10)} ${finding.message}`);
          if (finding.remedy) output.line(`  → ${finding.remedy}`);
        }
      }),
    );
  convex
    .command('reset <slot>')
    .description("start the slot's Convex backend over, empty, after exporting its data (the export is kept); how to change its storage")
    .option('--storage <kind>', 'sqlite or postgres: the storage of the new backend')
    .option('--files <kind>', 'local or s3: where the new backend keeps files')
    .option('--yes', 'go ahead: the backend is emptied (its data exported and kept first)')
    .action((slot: string, options: { storage?: string; files?: string; yes?: boolean }) =>
      run(async (client, output) => {
        if (!options.yes) {
          throw new CliError('ERR_BAD_REQUEST', `Resetting slot ${slot}'s Convex backend empties it (its data is exported and kept first).`, `Run \`berth convex reset ${slot}${options.storage ? ` --storage ${options.storage}` : ''}${options.files ? ` --files ${options.files}` : ''} --yes\` to go ahead.`);
        }
        const result = await client.convexReset(slot, { storage: options.storage as 'sqlite' | undefined, files: options.files as 'local' | undefined });
        if (output.json) return output.line(JSON.stringify(result, null, 2));
        output.line(`the Convex backend of slot ${slot} was reset; its data is kept in ${result.exportDir}`);
        for (const note of result.notes) output.line(`  ! ${note}`);
        output.line(`next: \`berth deploy ${slot}\` starts the new backend and deploys the functions${result.convexExport ? `; then \`npx convex import ${result.convexExport}\` (with the URL and key from \`berth convex urls ${slot} --reveal\`) brings the data back` : ''}`);
      }),
    );
  const env = convex
    .command('env')
    .description("`env <slot>`: how the slot's Convex URLs fit together; `env list|set|unset`: the env the app's functions see (set in the backend, no redeploy needed)")
    .argument('[slot]')
    .action((slot: string | undefined) =>
      run(async (client, output) => {
        if (!slot) throw new CliError('ERR_BAD_REQUEST', 'Name a slot, or one of list, set, unset.', 'For example `berth convex env a` or `berth convex env list a`.');
        const [status, slots] = await Promise.all([client.convex(slot), client.status()]);
        if (output.json) return output.line(JSON.stringify({ env: status.env, frontEnd: slots.find((entry) => entry.slot === slot)?.url ?? null }, null, 2));
        if (!status.enabled) return output.line(`slot ${slot} has no Convex backend`);
        for (const line of wiringLines(slot, status, slots.find((entry) => entry.slot === slot)?.url ?? '?')) output.line(line);
      }),
    );
  env
    .command('list <slot>')
    .description('the variables (secret-looking values masked unless --reveal)')
    .option('--reveal', 'show every value (recorded)')
    .action((slot: string, options: { reveal?: boolean }) =>
      run(async (client, output) => {
        const values = await client.convexBackendEnv(slot, options.reveal === true);
        if (output.json) return output.line(JSON.stringify(values, null, 2));
        const names = Object.keys(values).sort();
        output.line(names.length === 0 ? `the Convex backend of slot ${slot} has no env variables` : names.map((name) => `${name}=${values[name]}`).join('\n'));
      }),
    );
  env
    .command('set <slot> <assignments...>')
    .description('set variables: KEY=VALUE …')
    .action((slot: string, assignments: string[]) =>
      run(async (client, output) => {
        const set = parseAssignments(assignments);
        await client.changeConvexBackendEnv(slot, { set });
        output.line(`set ${Object.keys(set).join(', ')} in the Convex backend of slot ${slot}`);
      }),
    );
  env
    .command('unset <slot> <names...>')
    .description('remove variables')
    .action((slot: string, names: string[]) =>
      run(async (client, output) => {
        await client.changeConvexBackendEnv(slot, { unset: names });
        output.line(`unset ${names.join(', ')} in the Convex backend of slot ${slot}`);
      }),
    );
}

/** The env a Convex app gets, and how its URLs relate (the Coder-Convex guide's rules), for `berth convex env <slot>`. */
function wiringLines(slot: string, status: { env: Record<string, string>; urls: { api: string; site: string }; external: string | null }, frontEnd: string): string[] {
  const env = status.env;
  return [
    `The env slot ${slot}'s app and its build get:`,
    `  CONVEX_SELF_HOSTED_URL=${env.CONVEX_SELF_HOSTED_URL}   the Convex CLI (convex deploy), on loopback`,
    `  CONVEX_SELF_HOSTED_ADMIN_KEY=${env.CONVEX_SELF_HOSTED_ADMIN_KEY}   (\`berth convex urls ${slot} --reveal\` shows it)`,
    `  CONVEX_URL = VITE_CONVEX_URL = NEXT_PUBLIC_CONVEX_URL = PUBLIC_CONVEX_URL = ${env.CONVEX_URL}   browsers`,
    ...(env.CONVEX_SITE_URL ? [`  CONVEX_SITE_URL=${env.CONVEX_SITE_URL}   HTTP actions`] : []),
    'How they fit together:',
    `  cloud origin (--convex-origin) = the public API URL above = ${status.urls.api}`,
    ...(status.external
      ? [`  the backend runs outside berth (${status.external}): its site origin is what it was started with`]
      : [
          `  site origin (--convex-site) = CONVEX_SITE_URL = ${status.urls.site}`,
          '    = the issuer (iss) of the tokens Convex Auth signs, so JWT_ISSUER and auth.config.ts’s domain: process.env.CONVEX_SITE_URL are this URL;',
          '    the backend fetches <site origin>/.well-known/openid-configuration itself, so it must answer without a login',
        ]),
    `  SITE_URL (set in the backend for Convex Auth) = the front end = PUBLIC_URL = ${frontEnd}`,
    `The functions' own env: \`berth convex env list ${slot}\`.`,
  ];
}
