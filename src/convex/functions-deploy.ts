// Pushing a Convex app's functions to its slot's backend: the app's own Convex CLI (`convex deploy`), with the
// backend's loopback URL and admin key and with CONVEX_DEPLOY_KEY and CONVEX_DEPLOYMENT set empty, so a stray
// .env.local cannot send the deploy to another deployment. CLI versions known to break deploys are refused first.
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { BerthError } from '../errors/berth-error.js';
import { functionsFolder } from './detect.js';
import { formatTail, type StepCommand, type StepResult } from '../deploy/run-step.js';

/** CLI versions that fail self-hosted deploys after "Added table indexes" (fixed in 1.26.2). */
const KNOWN_BAD = '>=1.26.0 <1.26.2';

export interface ConvexCli {
  /** The CLI's entry script (run with node), from the app's installed `convex` package. */
  script: string;
  version: string;
  /** The Node versions its package.json engines field allows (newer CLIs refuse to run on an older Node). */
  nodeRange: string | null;
}

/** The installed `convex` package of the app (its folder, then the repository root), or null. */
export function findConvexCli(sourceRoot: string, appDir: string): ConvexCli | null {
  for (const folder of [...new Set([path.join(sourceRoot, appDir), sourceRoot])]) {
    const packageDir = path.join(folder, 'node_modules', 'convex');
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string; bin?: string | Record<string, string>; engines?: { node?: string } };
      const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.convex;
      if (bin) return { script: path.join(packageDir, bin), version: manifest.version, nodeRange: manifest.engines?.node ?? null };
    } catch {
      // Not installed here.
    }
  }
  return null;
}

export const isKnownBadCli = (version: string): boolean => semver.valid(version) !== null && semver.satisfies(version, KNOWN_BAD);

/** Why the CLI cannot run on this Node (its engines field), or null when it can. */
export function cliNodeProblem(cli: ConvexCli, nodeVersion: string): string | null {
  if (!cli.nodeRange || semver.validRange(cli.nodeRange) === null) return null;
  return semver.satisfies(nodeVersion, cli.nodeRange) ? null : `convex ${cli.version} needs Node ${cli.nodeRange} and berth runs it with Node ${nodeVersion}`;
}

/** Refuses a CLI version that is known to break deploys, or that cannot run on berth's Node, with what to do. */
function assertUsableCli(cli: ConvexCli, nodeVersion: string): void {
  if (isKnownBadCli(cli.version)) {
    throw new BerthError('ERR_CONVEX_CLI_VERSION', `The app's convex package is ${cli.version}, whose deploys to a self-hosted backend fail after "Added table indexes".`, {
      remedy: 'Pin convex@1.26.2 or newer in package.json (and keep the backend at least as new as the CLI).',
      details: { version: cli.version },
    });
  }
  const nodeProblem = cliNodeProblem(cli, nodeVersion);
  if (nodeProblem) {
    throw new BerthError('ERR_CONVEX_CLI_VERSION', `The app's Convex CLI cannot run here: ${nodeProblem}.`, {
      remedy: `Pin a convex version whose engines field allows Node ${nodeVersion} (on Node 20, 1.48.0 is the newest), or run berth with a Node that satisfies ${cli.nodeRange}.`,
      details: { version: cli.version, engines: cli.nodeRange, node: nodeVersion },
    });
  }
}

/**
 * Asks the backend what it makes of this CLI version before deploying: the CLI's first call of a deploy
 * (get_config_hashes, which carries its version) answered with a deprecation header is a warning; refused, the
 * deploy would fail anyway, so it fails here with the backend's own words and what to do.
 */
export async function checkCliAgainstBackend(cli: ConvexCli, backend: { url: string; adminKey: string }): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(`${backend.url}/api/get_config_hashes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Convex ${backend.adminKey}` },
      body: JSON.stringify({ version: cli.version, adminKey: backend.adminKey }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new BerthError('ERR_CONVEX_DEPLOY_FAILED', `The slot's Convex backend (${backend.url}) did not answer before the functions deploy: ${(error as Error).message}.`, {
      remedy: 'See the [convex] lines of `berth logs <slot>`; `berth convex doctor <slot>` checks the backend.',
    });
  }
  const text = (await response.text()).slice(0, 400);
  const state = response.headers.get('x-convex-deprecation-state');
  if (response.ok) return state ? `the backend says convex ${cli.version} is ${state}: ${response.headers.get('x-convex-deprecation-message') ?? 'no message'}` : null;
  if (state === 'Deprecated' || /version/i.test(text)) {
    throw new BerthError('ERR_CONVEX_CLI_VERSION', `The slot's Convex backend refuses the app's convex ${cli.version}: ${text}`, {
      remedy: 'Keep the backend at least as new as the CLI: update convex-local-backend (convex.binary), or pin the app to the convex version the backend was released with.',
      details: { version: cli.version, status: response.status },
    });
  }
  // Anything else is the deploy's to report, with the CLI's own words.
  return null;
}

/** The env the CLI gets (a deploy, an export): the given env, the backend, and nothing that could redirect it. */
export function cliEnv(buildEnv: Record<string, string>, backend: { url: string; adminKey: string }): Record<string, string> {
  // CI: no prompts, and the CLI does not report its errors to Convex's error tracker from the owner's workspace.
  return { ...buildEnv, CONVEX_SELF_HOSTED_URL: backend.url, CONVEX_SELF_HOSTED_ADMIN_KEY: backend.adminKey, CONVEX_DEPLOY_KEY: '', CONVEX_DEPLOYMENT: '', CONVEX_DEPLOYMENT_TOKEN: '', CI: '1' };
}

export interface FunctionsDeployOptions {
  filesDir: string;
  appDir: string;
  nodePath: string;
  /** The version of that Node (the CLI's engines field must allow it). */
  nodeVersion: string;
  /** The build's env, which holds CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY of the slot's backend. */
  env: Record<string, string>;
  /** Runs the command (logged, with its deadline) and says how it ended. */
  run(command: StepCommand, cwd: string, env: Record<string, string>): Promise<StepResult>;
  /** A warning kept on the deployment (the backend calls the CLI version deprecated). */
  warn(warnings: string[]): void;
}

/**
 * `convex deploy` of an app's functions (its convex/ folder) with its own CLI, for a deploy or a rollback. Returns
 * false when there is nothing to deploy; throws when the app cannot be deployed or the CLI fails.
 */
export async function deployFunctions(options: FunctionsDeployOptions): Promise<boolean> {
  const appFolder = path.join(options.filesDir, options.appDir);
  if (!fs.existsSync(functionsFolder(appFolder))) return false;
  const cli = findConvexCli(options.filesDir, options.appDir);
  if (!cli) {
    throw new BerthError('ERR_CONVEX_DEPLOY_FAILED', 'The app has Convex functions (convex/) (in its functions folder) but no installed convex package to deploy them with.', {
      remedy: 'Add convex to the app’s dependencies (npm install convex) and deploy again.',
    });
  }
  assertUsableCli(cli, options.nodeVersion);
  const backend = { url: options.env.CONVEX_SELF_HOSTED_URL, adminKey: options.env.CONVEX_SELF_HOSTED_ADMIN_KEY };
  const deprecation = await checkCliAgainstBackend(cli, backend);
  if (deprecation) options.warn([deprecation]);
  const command = { command: options.nodePath, args: [cli.script, 'deploy'], display: `convex deploy (convex ${cli.version})` };
  const result = await options.run(command, appFolder, cliEnv(options.env, backend));
  if (result.code !== 0) {
    const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw new BerthError('ERR_CONVEX_DEPLOY_FAILED', `\`${command.display}\` ${how}.${formatTail(result.tail)}`, { details: { command: command.display, exitCode: result.code } });
  }
  return true;
}
