// CLI commands for where a slot's app comes from: settings (repository, branch, overrides), deploy key, git tokens.
import type { Command } from 'commander';
import type { SlotSettingsView } from '../../sdk/schemas.js';
import { readAll } from '../input.js';
import { CliError, type Output } from '../output.js';
import type { Run } from './slot-commands.js';

const SETTABLE: Array<[flag: string, key: keyof SlotSettingsView, help: string]> = [
  ['--repo <url>', 'repo', 'repository: https://…, git@host:owner/repo.git, ssh://…, file://… or a local path'],
  ['--branch <name>', 'branch', 'branch to deploy (default main)'],
  ['--root <folder>', 'root', 'app folder inside the repository (a monorepo package, like apps/web)'],
  ['--install-command <line>', 'installCommand', 'install command instead of the detected one ("" to skip the install)'],
  ['--build-command <line>', 'buildCommand', 'build command instead of the detected one ("" to skip the build)'],
  ['--start-command <line>', 'startCommand', 'start command instead of the detected one'],
  ['--static-dir <folder>', 'staticDir', 'serve this built folder as a static site'],
  ['--health-path <path>', 'healthPath', 'path polled before traffic switches to a new release'],
  ['--release-command <line>', 'releaseCommand', 'run after the build with the database env, before the switch (migrations); a failure fails the deploy'],
  ['--slug <slug>', 'slug', "the slot's subdomain in a Coder workspace (default: the slot's name)"],
  ['--convex-storage <kind>', 'convexStorage', "where a new Convex backend keeps its data: sqlite (the default) or postgres (berth's Postgres)"],
  ['--convex-files <kind>', 'convexFiles', "where a new Convex backend keeps files: local (the default) or s3 (the slot's AWS_… and S3_… env)"],
  ['--convex-url <url>', 'convexUrl', 'use an already-running Convex backend (its admin key: the slot secret CONVEX_SELF_HOSTED_ADMIN_KEY)'],
];

const RESETTABLE: string[] = [...SETTABLE.map(([, key]) => key), 'memoryLimitMb', 'spaFallback', 'convex'];

function printSettings(output: Output, view: { slot: string; settings: SlotSettingsView; gitToken: string; deployKey: string | null }): void {
  if (output.json) return output.line(JSON.stringify(view, null, 2));
  const { settings } = view;
  const row = (label: string, value: string) => output.line(`${label.padEnd(15)} ${value}`);
  row('slot', view.slot);
  row('repository', settings.repo ?? '(none: set one with --repo, or deploy a folder with --path)');
  row('branch', settings.branch ?? 'main');
  row('app folder', settings.root || '(repository root)');
  row('install', settings.installCommand === '' ? '(skipped)' : (settings.installCommand ?? '(detected)'));
  row('build', settings.buildCommand === '' ? '(skipped)' : (settings.buildCommand ?? '(detected)'));
  row('start', settings.startCommand ?? '(detected)');
  row('static folder', settings.staticDir ?? '(detected)');
  row('health path', settings.healthPath ?? '(config default)');
  row('coder slug', settings.slug ?? `${view.slot} (the slot's name)`);
  row('release', settings.releaseCommand ?? '(none)');
  row('memory limit', settings.memoryLimitMb ? `${settings.memoryLimitMb} MiB` : '(config)');
  row('spa fallback', settings.spaFallback === true ? 'on' : settings.spaFallback === false ? 'off' : '(automatic)');
  row('auto-deploy', settings.autoDeploy === false ? 'off' : settings.deployTags ? 'on (branch and tags)' : 'on');
  row('git token', view.gitToken === 'none' ? 'none' : `set (${view.gitToken})`);
  row('deploy key', view.deployKey ? 'yes (`berth slot deploy-key` prints it)' : 'none');
}

const readStdin = async () => (await readAll(process.stdin)).trim();

export function registerSourceCommands(program: Command, run: Run): void {
  const slot = program.command('slot').description("a slot's source and settings: set, show, deploy-key");

  const set = slot.command('set <slot>').description('change where the slot gets its app and how it is built and run; takes effect at the next deploy');
  for (const [flag, , help] of SETTABLE) set.option(flag, help);
  set
    .option('--auto-deploy', 'deploy on a webhook push (the default)')
    .option('--no-auto-deploy', 'do not deploy on a webhook push')
    .option('--convex', "run the app's Convex backend (default: detected from convex.json, convex/ or a convex dependency)")
    .option('--no-convex', 'never run a Convex backend for this slot')
    .option('--deploy-tags', 'also deploy pushed tags of the repository (webhook)')
    .option('--no-deploy-tags', 'deploy only pushes to the branch (the default)')
    .option('--memory-limit <mib>', 'restart the app (zero downtime) when its process tree uses more MiB than this')
    .option('--spa', 'static sites: answer unknown paths with index.html')
    .option('--no-spa', 'static sites: answer unknown paths with 404')
    .option('--reset <setting...>', 'go back to the detected value for these settings (root, installCommand, buildCommand, startCommand, staticDir, healthPath, memoryLimitMb, spaFallback)')
    .action((name: string, options: Record<string, unknown>) =>
      run(async (client, output) => {
        const patch: Record<string, unknown> = {};
        for (const [, key] of SETTABLE) if (typeof options[key] === 'string') patch[key] = options[key];
        // With both --auto-deploy and --no-auto-deploy defined, commander leaves the value unset unless one is given.
        if (typeof options.autoDeploy === 'boolean') patch.autoDeploy = options.autoDeploy;
        if (typeof options.deployTags === 'boolean') patch.deployTags = options.deployTags;
        if (typeof options.convex === 'boolean') patch.convex = options.convex;
        if (typeof options.spa === 'boolean') patch.spaFallback = options.spa;
        if (typeof options.memoryLimit === 'string') {
          const mib = Number(options.memoryLimit);
          if (!Number.isInteger(mib)) throw new CliError('ERR_SETTINGS_INVALID', `--memory-limit "${options.memoryLimit}" is not a whole number of MiB.`, 'Give a number like 512.');
          patch.memoryLimitMb = mib;
        }
        for (const key of (options.reset as string[] | undefined) ?? []) {
          if (!RESETTABLE.includes(key)) throw new CliError('ERR_SETTINGS_INVALID', `"${key}" is not a slot setting.`, `Use one of: ${RESETTABLE.join(', ')}.`);
          patch[key] = null;
        }
        if (Object.keys(patch).length === 0) throw new CliError('ERR_BAD_REQUEST', 'Nothing to change.', 'Give at least one option, for example `berth slot set a --repo https://github.com/org/app.git --branch main`.');
        printSettings(output, await client.updateSettings(name, patch as SlotSettingsView));
      }),
    );

  slot
    .command('show <slot>')
    .description("print the slot's settings (no secret is ever printed)")
    .action((name: string) => run(async (client, output) => printSettings(output, await client.settings(name))));

  slot
    .command('deploy-key <slot>')
    .description('make an SSH key pair for the slot (once) and print the public key, to add as a read-only deploy key')
    .option('--rotate', 'replace the key with a new one')
    .action((name: string, options: { rotate?: boolean }) =>
      run(async (client, output) => {
        const { publicKey } = await client.deployKey(name, Boolean(options.rotate));
        if (output.json) return output.line(JSON.stringify({ slot: name, publicKey }));
        output.line(publicKey);
        process.stderr.write(`\nAdd this key to the repository as a read-only deploy key (GitHub: Settings → Deploy keys), then use its SSH address: berth slot set ${name} --repo git@github.com:owner/repo.git\n`);
      }),
    );

  const token = program.command('git-token').description('an HTTPS token berth gives git for private repositories (never written into a URL or a log)');
  token
    .command('set')
    .description('store a token read from stdin, for the whole workspace or one slot (--slot)')
    .option('--slot <slot>', 'only for this slot')
    .option('--username <name>', 'user name to send with the token (default x-access-token, which GitHub accepts)')
    .action((options: { slot?: string; username?: string }) =>
      run(async (client, output) => {
        if (process.stdin.isTTY) process.stderr.write('Paste the token, then press Enter and Ctrl-D:\n');
        const value = await readStdin();
        if (!value) throw new CliError('ERR_BAD_REQUEST', 'No token on stdin.', 'Pipe it in: `printf %s "$TOKEN" | berth git-token set`.');
        const { scope } = await client.setGitToken(value, { slot: options.slot, username: options.username });
        output.line(output.json ? JSON.stringify({ scope }) : `git token stored for ${scope === 'workspace' ? 'the workspace' : `slot ${scope}`}`);
      }),
    );
  token
    .command('clear')
    .description('forget the workspace token, or one slot’s (--slot)')
    .option('--slot <slot>', 'only this slot’s token')
    .action((options: { slot?: string }) =>
      run(async (client, output) => {
        const { scope } = await client.clearGitToken(options.slot);
        output.line(output.json ? JSON.stringify({ scope }) : `git token removed for ${scope === 'workspace' ? 'the workspace' : `slot ${scope}`}`);
      }),
    );
}
