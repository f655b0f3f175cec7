// `berth doctor`: everything that commonly goes wrong, checked on this machine and explained, each with a remedy.
// It works whether berth runs or not (that is when it is needed most); when berth runs, its API adds what only the
// daemon knows (the slots' slugs and the database server).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { BerthPaths } from '../config/paths.js';
import type { ResolvedConfig } from '../config/schema.js';
import { detectCoder } from '../coder/coder-env.js';
import { slugProblem } from '../coder/slugs.js';
import { findPostgresBinaries } from '../database/postgres-binaries.js';
import { findDumpTools } from '../database/dump-tools.js';
import { checkAdminPrivileges, withAdmin } from '../database/admin-sql.js';
import { findPortOwner, isPortFree } from '../supervisor/ports.js';
import { probeOwnReads } from '../front/own-reads.js';
import { fail, ok, warn, type Finding } from './finding.js';


export interface DoctorInput {
  config: ResolvedConfig;
  paths: BerthPaths;
  env: Record<string, string | undefined>;
  /** The pid of the running berth (its watchdog) and its daemon, when it runs. */
  running: { watchdog: number | null; daemon: number | null };
  /** From the running daemon: each slot's slug, and the database server's state. */
  slugs: Map<string, string> | null;
  database: { running: boolean; mode: string; version: string | null } | null;
}


async function checkPorts(input: DoctorInput): Promise<Finding[]> {
  const { config } = input;
  const wanted = [
    { what: 'admin', port: config.adminPort },
    ...(config.hooks.enabled ? [{ what: 'hooks', port: config.hooks.port }] : []),
    ...config.slots.map((slot) => ({ what: `slot ${slot.name}`, port: slot.port })),
  ];
  const findings: Finding[] = [];
  for (const { what, port } of wanted) {
    if (await isPortFree(port, config.bind)) continue;
    const owner = findPortOwner(port);
    if (owner && owner.pid === input.running.daemon) continue;
    if (!owner && input.running.daemon) continue; // berth runs; the holder is most likely its own daemon.
    findings.push(fail('ports', `port ${port} (${what}) is taken by ${owner ? `pid ${owner.pid} (${owner.command})` : 'another process'}`, `Stop that process, or give berth another port in ${input.paths.configFile} (${what === 'admin' ? 'adminPort' : what === 'hooks' ? 'hooks.port' : 'slots[].port'}).`));
  }
  return findings.length > 0 ? findings : [ok('ports', `${wanted.length} ports ${input.running.daemon ? 'held by berth' : 'free'} (${wanted.map((entry) => entry.port).join(', ')})`)];
}

function checkHome(input: DoctorInput): Finding[] {
  const { paths } = input;
  if (!fs.existsSync(paths.home)) return [ok('home', `${paths.home} does not exist yet; berth makes it (mode 0700) at first start`)];
  const stat = fs.statSync(paths.home);
  const findings: Finding[] = [];
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) findings.push(fail('home', `${paths.home} belongs to uid ${stat.uid}, not to you (uid ${process.getuid()})`, `Run berth as its owner, or \`chown -R $(id -u) ${paths.home}\`.`));
  if (stat.mode & 0o022) findings.push(warn('home', `${paths.home} is writable by others (mode ${(stat.mode & 0o777).toString(8)})`, `\`chmod 700 ${paths.home}\`: it holds secrets.`));
  for (const file of [paths.cliToken, paths.webhookSecret]) {
    if (fs.existsSync(file) && fs.statSync(file).mode & 0o077) findings.push(fail('home', `${file} can be read by others`, `\`chmod 600 ${file}\``));
  }
  try {
    fs.accessSync(paths.home, fs.constants.W_OK);
  } catch {
    findings.push(fail('home', `${paths.home} is not writable`, 'Fix its permissions, or set BERTH_HOME to a folder you own.'));
  }
  return findings.length > 0 ? findings : [ok('home', `${paths.home} is yours and private`)];
}

function checkDisk(input: DoctorInput): Finding[] {
  const folder = fs.existsSync(input.paths.home) ? input.paths.home : path.dirname(input.paths.home);
  const stats = fs.statfsSync(folder);
  const freeMiB = Math.floor((stats.bavail * stats.bsize) / 1024 / 1024);
  if (freeMiB < 512) return [fail('disk', `${freeMiB} MiB free where BERTH_HOME lives`, 'Free space: builds, releases and databases need at least a few GiB. `du -sh ~/.berth/*` shows what berth holds; old releases go with `releases.keep`.')];
  if (freeMiB < 2048) return [warn('disk', `only ${freeMiB} MiB free where BERTH_HOME lives`, 'Free some space before builds start failing.')];
  return [ok('disk', `${(freeMiB / 1024).toFixed(1)} GiB free`)];
}

function checkTools(): Finding[] {
  const versionOf = (command: string) => {
    try {
      return execFileSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim().split('\n')[0];
    } catch {
      return null;
    }
  };
  const findings: Finding[] = [];
  const git = versionOf('git');
  findings.push(git ? ok('tools', git) : fail('tools', 'git is not installed', 'Install git (`apt-get install git`): deploys from repositories need it.'));
  const npm = versionOf('npm');
  findings.push(npm ? ok('tools', `npm ${npm}`) : fail('tools', 'npm is not on PATH', 'Install Node.js with npm: apps are installed and built with it.'));
  if (!versionOf('corepack')) findings.push(warn('tools', 'corepack is not on PATH', 'pnpm and yarn projects need it: `npm install --global corepack`.'));
  return findings;
}

async function checkDatabase(input: DoctorInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { database } = input.config;
  const external = database.adminUrl ?? (database.useWorkspaceUrl ? (input.env.PGURI ?? input.env.DATABASE_URL ?? null) : null);
  if (external) {
    try {
      await withAdmin(external, checkAdminPrivileges);
      findings.push(ok('postgres', `the external server at ${new URL(external).host} answers, with CREATEDB and CREATEROLE`));
    } catch (error) {
      findings.push(fail('postgres', (error as Error).message, (error as { remedy?: string }).remedy ?? 'Check the server address, the network and the role’s password.'));
    }
    return findings;
  }
  if (input.database) {
    findings.push(input.database.running ? ok('postgres', `${input.database.mode} server running${input.database.version ? ` (PostgreSQL ${input.database.version})` : ''}`) : ok('postgres', `${input.database.mode} server not started (it starts when a slot gets a database)`));
  }
  try {
    const binaries = findPostgresBinaries();
    if (!input.database) findings.push(ok('postgres', `embedded PostgreSQL ${binaries.version} installed`));
    try {
      findDumpTools(Number(binaries.version.split('.')[0]));
    } catch (error) {
      findings.push(warn('postgres', (error as Error).message, (error as { remedy?: string }).remedy ?? 'Install the PostgreSQL client tools.'));
    }
  } catch (error) {
    findings.push(fail('postgres', (error as Error).message, (error as { remedy?: string }).remedy ?? 'Run npm install.'));
  }
  return findings;
}

function checkCoder(input: DoctorInput): Finding[] {
  const coder = detectCoder(input.env);
  if (!coder) return [ok('coder', 'not a Coder workspace: slots answer on their ports')];
  const findings: Finding[] = [];
  if (coder.problem) findings.push(fail('coder', coder.problem, 'Ask the Coder admin to configure a wildcard access URL (CODER_WILDCARD_ACCESS_URL); until then use the port URLs.'));
  if (!coder.owner) findings.push(warn('coder', 'CODER_WORKSPACE_OWNER_NAME is not set (the Coder agent does not set it)', "Add berth's module to the template (`berth coder template`), which passes it in."));
  const slugs = input.slugs ?? new Map(input.config.slots.map((slot) => [slot.name, slot.name]));
  for (const [slot, slug] of slugs) {
    const others = new Map([...slugs].filter(([name]) => name !== slot).map(([name, other]) => [other, name]));
    const problem = slugProblem(slug, { otherSlugs: others, coder });
    if (problem) findings.push(fail('coder', `slot ${slot}'s subdomain slug "${slug}" must be ${problem}`, `\`berth slot set ${slot} --slug <another>\`, or change the template parameter.`));
  }
  if (findings.length === 0) findings.push(ok('coder', `workspace ${coder.workspace} (agent ${coder.agent}, owner ${coder.owner}); subdomain apps can work`));
  return findings;
}

function checkWebhookSecret(input: DoctorInput): Finding[] {
  if (!input.config.hooks.enabled) return [ok('webhooks', 'the webhook listener is off')];
  const secret = fs.existsSync(input.paths.webhookSecret) ? fs.readFileSync(input.paths.webhookSecret, 'utf8').trim() : '';
  if (secret.length >= 32) return [ok('webhooks', `secret set; deliveries go to port ${input.config.hooks.port}`)];
  return [warn('webhooks', 'no webhook secret yet', 'Start berth once (`berth up --detach`): it makes one; `berth hooks info <slot> --reveal` shows it.')];
}

/** Each slot's newest release folder: the Node version berth runs must satisfy its package.json engines. */
function checkEngines(input: DoctorInput): Finding[] {
  const findings: Finding[] = [];
  for (const slot of input.config.slots) {
    const dir = input.paths.releasesDir(slot.name);
    if (!fs.existsSync(dir)) continue;
    const releases = fs.readdirSync(dir).map((name) => path.join(dir, name)).filter((folder) => fs.existsSync(path.join(folder, 'package.json')));
    const newest = releases.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    if (!newest) continue;
    let range: string | undefined;
    try {
      range = JSON.parse(fs.readFileSync(path.join(newest, 'package.json'), 'utf8')).engines?.node;
    } catch {
      continue;
    }
    if (range && semver.validRange(range) && !semver.satisfies(process.version, range)) {
      findings.push(warn('node', `slot ${slot.name}'s app wants Node ${range}; berth runs it with ${process.version}`, 'Run berth with a Node that satisfies it (nvm, a newer image), or relax the engines field.'));
    }
  }
  return findings.length > 0 ? findings : [ok('node', `Node ${process.version} satisfies every deployed app's engines`)];
}

/** The slot fronts' fast path reads into its own memory on this Node (own-reads.ts); a Node that changed the
 * internals it relies on still works, with more CPU per request. */
async function checkFront(): Promise<Finding[]> {
  if (await probeOwnReads()) return [ok('front', `the slot fronts' fast path reads into its own memory on Node ${process.version}`)];
  return [warn('front', `Node ${process.version} does not let the slot fronts move accepted sockets to reads into their own memory: they use stream reads, which cost more CPU per request`, 'Run berth on Node 20 (the version it is tested with); everything works as it is, only slower.')];
}

export async function runDoctor(input: DoctorInput): Promise<Finding[]> {
  return [...(await checkPorts(input)), ...checkHome(input), ...checkDisk(input), ...checkTools(), ...(await checkDatabase(input)), ...checkCoder(input), ...checkWebhookSecret(input), ...checkEngines(input), ...(await checkFront())];
}
