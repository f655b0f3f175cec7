// berth's own PostgreSQL server: initialised once under BERTH_HOME/postgres, listening on loopback only, with a
// random superuser password in a 0600 file, in its own process group (so Ctrl-C on `berth up` stops the apps before
// their database), and restarted with backoff if it dies.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { BerthError } from '../errors/berth-error.js';
import type { Logger } from '../log/logger.js';
import { findPostgresBinaries, postgresUser, systemCopyOf, SYSTEM_DIR, type PostgresBinaries } from './postgres-binaries.js';

export interface EmbeddedServerOptions {
  /** BERTH_HOME/postgres: the data folder is data/ inside it (a link to SYSTEM_DIR when berth runs as root). */
  dir: string;
  passwordFile: string;
  port: number;
  logger: Logger;
  /** Something worth an event: a port taken, a restart after a crash. */
  onEvent(type: string, message: string): void;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

export function createEmbeddedServer(options: EmbeddedServerOptions) {
  const asRoot = process.getuid?.() === 0;
  let binaries: PostgresBinaries;
  let user: { uid: number; gid: number } | null = null;
  let child: ChildProcess | null = null;
  let port = options.port;
  let password = '';
  let stopping = false;
  let restartDelay = 1000;
  let restartTimer: NodeJS.Timeout | null = null;
  const recent: string[] = [];

  const dataDir = () => path.join(options.dir, 'data');
  const spawnOptions = () => ({ env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' }, ...(user ? { uid: user.uid, gid: user.gid } : {}) });

  /** As root, the data lives where the postgres user can reach it, and BERTH_HOME/postgres/data links to it. */
  function prepareDataDir(): void {
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    if (!asRoot) return;
    const target = path.join(SYSTEM_DIR, 'data', createHash('sha256').update(path.resolve(options.dir)).digest('hex').slice(0, 16));
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o711 });
    fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    fs.chownSync(target, user!.uid, user!.gid);
    if (!fs.existsSync(dataDir())) fs.symlinkSync(target, dataDir());
  }

  function ensurePassword(): string {
    try {
      const existing = fs.readFileSync(options.passwordFile, 'utf8').trim();
      if (existing) return existing;
    } catch {
      // None yet.
    }
    fs.mkdirSync(path.dirname(options.passwordFile), { recursive: true, mode: 0o700 });
    const fresh = randomBytes(24).toString('base64url');
    fs.writeFileSync(options.passwordFile, `${fresh}\n`, { mode: 0o600 });
    return fresh;
  }

  async function initialise(): Promise<void> {
    if (fs.existsSync(path.join(dataDir(), 'PG_VERSION'))) return;
    // initdb reads the password from a file the postgres user can read; it is removed right after.
    const pwfile = path.join(asRoot ? fs.realpathSync(dataDir()) : options.dir, `..${path.sep}.pwfile-${process.pid}`);
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) fs.chownSync(pwfile, user.uid, user.gid);
    try {
      await runToEnd(binaries.initdb, ['-D', fs.realpathSync(dataDir()), '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale']);
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }

  function runToEnd(command: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const process = spawn(command, args, { ...spawnOptions(), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      process.stdout!.on('data', (chunk) => (output += chunk));
      process.stderr!.on('data', (chunk) => (output += chunk));
      process.on('error', reject);
      process.on('close', (code) => {
        if (code === 0) return resolve();
        reject(new BerthError('ERR_DB_UNAVAILABLE', `${path.basename(command)} failed (exit code ${code}): ${output.trim().split('\n').slice(-5).join(' / ')}`));
      });
    });
  }

  /** A server left by a daemon that died still holds the data folder: stop it, as berth does with apps. */
  async function stopLeftover(): Promise<void> {
    const pidFile = path.join(dataDir(), 'postmaster.pid');
    let pid: number;
    try {
      pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    } catch {
      return;
    }
    if (!pid || !isAlive(pid)) return;
    options.logger.warn({ pid }, 'stopping the PostgreSQL server left by the previous daemon');
    process.kill(pid, 'SIGINT');
    for (let waited = 0; waited < STOP_TIMEOUT_MS && isAlive(pid); waited += 100) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  async function choosePort(): Promise<void> {
    if (await portFree(options.port)) {
      port = options.port;
      return;
    }
    port = await freePort();
    options.onEvent('db.port', `port ${options.port} is taken; the embedded PostgreSQL server listens on ${port} instead`);
  }

  async function launch(): Promise<void> {
    const started = spawn(binaries.postgres, ['-D', fs.realpathSync(dataDir()), '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
      ...spawnOptions(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = started;
    const remember = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        recent.push(line);
        if (recent.length > 20) recent.shift();
        options.logger.debug({ component: 'postgres' }, line);
      }
    };
    started.stdout!.on('data', remember);
    started.stderr!.on('data', remember);
    started.on('exit', (code, signal) => {
      if (child === started) child = null;
      if (stopping) return;
      options.onEvent('db.crashed', `the embedded PostgreSQL server exited (${signal ?? `code ${code}`}); restarting it in ${restartDelay / 1000} s`);
      restartTimer = setTimeout(() => {
        restartTimer = null;
        void launch()
          .then(() => waitReady())
          .then(() => options.onEvent('db.restarted', 'the embedded PostgreSQL server is back'))
          .catch((error) => options.logger.error({ err: error }, 'restarting PostgreSQL failed'));
      }, restartDelay);
      restartDelay = Math.min(restartDelay * 2, 30_000);
    });
  }

  async function waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.end();
        restartDelay = 1000;
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (!child || Date.now() > deadline) {
          throw new BerthError('ERR_DB_UNAVAILABLE', `The embedded PostgreSQL server did not start: ${recent.slice(-5).join(' / ') || (error as Error).message}.`, { details: { port } });
        }
        await sleep(100);
      }
    }
  }

  function adminUrl(): string {
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  }

  return {
    async start(): Promise<void> {
      stopping = false;
      binaries = findPostgresBinaries();
      if (asRoot) {
        user = postgresUser();
        binaries = systemCopyOf(binaries);
      }
      prepareDataDir();
      password = ensurePassword();
      await initialise();
      await stopLeftover();
      await choosePort();
      await launch();
      await waitReady();
      options.logger.info({ port, version: binaries.version }, 'embedded PostgreSQL is up');
    },
    adminUrl,
    get port(): number {
      return port;
    },
    /** The PostgreSQL version (the package's version without its pre-release tag, e.g. 15.18.0). */
    get version(): string {
      return binaries?.version.split('-')[0] ?? '';
    },
    get pid(): number | null {
      return child?.pid ?? null;
    },
    async stop(): Promise<void> {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGINT');
      const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type EmbeddedServer = ReturnType<typeof createEmbeddedServer>;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
