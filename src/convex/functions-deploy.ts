// Pushing a Convex app's functions to its slot's backend: the app's own Convex CLI (`convex deploy`), with the
// backend's loopback URL and admin key and with CONVEX_DEPLOY_KEY and CONVEX_DEPLOYMENT set empty, so a stray
// .env.local cannot send the deploy to another deployment. CLI versions known to break deploys are refused first.
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { BerthError } from '../errors/berth-error.js';
import { formatTail, type StepCommand, type StepResult } from '../deploy/run-step.js';

/** CLI versions that fail self-hosted deploys after "Added table indexes" (fixed in 1.26.2). */
const KNOWN_BAD = '>=1.26.0 <1.26.2';

export interface ConvexCli {
  /** The CLI's entry script (run with node), from the app's installed `convex` package. */
  script: string;
  version: string;
}

/** The installed `convex` package of the app (its folder, then the repository root), or null. */
export function findConvexCli(sourceRoot: string, appDir: string): ConvexCli | null {
  for (const folder of [...new Set([path.join(sourceRoot, appDir), sourceRoot])]) {
    const packageDir = path.join(folder, 'node_modules', 'convex');
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string; bin?: string | Record<string, string> };
      const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.convex;
      if (bin) return { script: path.join(packageDir, bin), version: manifest.version };
    } catch {
      // Not installed here.
    }
  }
  return null;
}

export const isKnownBadCli = (version: string): boolean => semver.valid(version) !== null && semver.satisfies(version, KNOWN_BAD);

/** Refuses a CLI version that is known to break deploys, with the version to pin. */
function assertUsableCli(cli: ConvexCli): void {
  if (isKnownBadCli(cli.version)) {
    throw new BerthError('ERR_CONVEX_CLI_VERSION', `The app's convex package is ${cli.version}, whose deploys to a self-hosted backend fail after "Added table indexes".`, {
      remedy: 'Pin convex@1.26.2 or newer in package.json (and keep the backend at least as new as the CLI).',
      details: { version: cli.version },
    });
  }
}

/** The env the CLI gets for a deploy: the build's env, the backend, and nothing that could redirect it. */
function deployEnv(buildEnv: Record<string, string>, backend: { url: string; adminKey: string }): Record<string, string> {
  return { ...buildEnv, CONVEX_SELF_HOSTED_URL: backend.url, CONVEX_SELF_HOSTED_ADMIN_KEY: backend.adminKey, CONVEX_DEPLOY_KEY: '', CONVEX_DEPLOYMENT: '' };
}

export interface FunctionsDeployOptions {
  filesDir: string;
  appDir: string;
  nodePath: string;
  /** The build's env, which holds CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY of the slot's backend. */
  env: Record<string, string>;
  /** Runs the command (logged, with its deadline) and says how it ended. */
  run(command: StepCommand, cwd: string, env: Record<string, string>): Promise<StepResult>;
}

/**
 * `convex deploy` of an app's functions (its convex/ folder) with its own CLI, for a deploy or a rollback. Returns
 * false when there is nothing to deploy; throws when the app cannot be deployed or the CLI fails.
 */
export async function deployFunctions(options: FunctionsDeployOptions): Promise<boolean> {
  const appFolder = path.join(options.filesDir, options.appDir);
  if (!fs.existsSync(path.join(appFolder, 'convex'))) return false;
  const cli = findConvexCli(options.filesDir, options.appDir);
  if (!cli) {
    throw new BerthError('ERR_CONVEX_DEPLOY_FAILED', 'The app has Convex functions (convex/) but no installed convex package to deploy them with.', {
      remedy: 'Add convex to the app’s dependencies (npm install convex) and deploy again.',
    });
  }
  assertUsableCli(cli);
  const command = { command: options.nodePath, args: [cli.script, 'deploy'], display: `convex deploy (convex ${cli.version})` };
  const result = await options.run(command, appFolder, deployEnv(options.env, { url: options.env.CONVEX_SELF_HOSTED_URL, adminKey: options.env.CONVEX_SELF_HOSTED_ADMIN_KEY }));
  if (result.code !== 0) {
    const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw new BerthError('ERR_CONVEX_DEPLOY_FAILED', `\`${command.display}\` ${how}.${formatTail(result.tail)}`, { details: { command: command.display, exitCode: result.code } });
  }
  return true;
}
