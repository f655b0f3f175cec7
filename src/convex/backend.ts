// One slot's self-hosted Convex backend: its instance (a name, and a secret made once and kept 0600), the process
// (supervised like an app: restart policy, logs), health (it answers /version and names itself on /instance_name),
// and its admin key (made by the binary's own keygen, checked with /api/check_admin_key).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { LogStream } from '../logs/log-line.js';
import type { ConvexFilesKind, ConvexStorageKind } from '../store/records.js';
import type { Clock } from '../supervisor/clock.js';
import { createAppInstance } from '../supervisor/app-instance.js';
import type { RestartPolicy } from '../supervisor/restart-policy.js';

export interface ConvexInstance {
  name: string;
  secret: string;
  adminKey: string;
  /** What the backend's data was first created with; it cannot change without an export and import. */
  storage: ConvexStorage;
  /** The password of its Postgres role, when its data is on Postgres. */
  dbPassword?: string;
  createdAt: number;
}

export interface ConvexStorage {
  database: ConvexStorageKind;
  files: ConvexFilesKind;
}

/** instance.json as written by any berth version (the first ones wrote storage: 'sqlite'). */
export function readInstance(file: string): ConvexInstance {
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<ConvexInstance, 'storage'> & { storage: ConvexStorage | ConvexStorageKind };
  return { ...stored, storage: typeof stored.storage === 'string' ? { database: stored.storage, files: 'local' } : stored.storage };
}

export interface BackendOptions {
  slot: string;
  /** The slot's Convex folder: instance.json, storage, the SQLite file, TMPDIR. */
  dir: string;
  instanceName: string;
  binary(): Promise<string>;
  /** The storage the slot's settings ask for; the instance keeps what it was created with. */
  wantedStorage(): ConvexStorage;
  /** The Postgres database for an instance whose data is on Postgres (made if missing). */
  postgres(instance: string, password: string): Promise<{ serverUrl: string; loopback: boolean }>;
  /** The env the backend process gets for S3 file storage (the slot's AWS_… and S3_… values). */
  s3Env(): Record<string, string>;
  apiPort: number;
  sitePort: number;
  publicUrls(): { api: string; site: string };
  policy: RestartPolicy;
  stopGraceMs: number;
  maxLineBytes: number;
  healthTimeoutMs: number;
  clock: Clock;
  writeLog(stream: LogStream, lines: string[]): void;
}

const KEYGEN_TIMEOUT_MS = 30_000;

function keygen(binary: string, name: string, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['keygen', 'admin-key', '--instance-name', name, '--instance-secret', secret], { timeout: KEYGEN_TIMEOUT_MS }, (error, stdout, stderr) => {
      const key = stdout.trim().split('\n').at(-1) ?? '';
      if (error || !key) {
        reject(new BerthError('ERR_CONVEX_BACKEND_FAILED', `\`${path.basename(binary)} keygen admin-key\` failed: ${(stderr || error?.message || 'no key printed').trim().split('\n')[0]}.`, { details: { binary } }));
      } else resolve(key);
    });
  });
}

export function createConvexBackend(options: BackendOptions) {
  const instanceFile = path.join(options.dir, 'instance.json');
  const url = `http://127.0.0.1:${options.apiPort}`;
  let child: ReturnType<typeof createAppInstance> | null = null;
  let recentOutput: string[] = [];

  /** The instance, made on first use: the secret is never made again, or the stored data could not be read. */
  async function instance(): Promise<ConvexInstance> {
    try {
      return readInstance(instanceFile);
    } catch {
      // First use.
    }
    const secret = randomBytes(32).toString('hex');
    const storage = options.wantedStorage();
    const made: ConvexInstance = {
      name: options.instanceName,
      secret,
      adminKey: await keygen(await options.binary(), options.instanceName, secret),
      storage,
      ...(storage.database === 'postgres' ? { dbPassword: randomBytes(24).toString('base64url') } : {}),
      createdAt: options.clock.now(),
    };
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const temp = `${instanceFile}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(made, null, 2), { mode: 0o600 });
    fs.renameSync(temp, instanceFile);
    return made;
  }

  async function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string } | null> {
    try {
      const response = await fetch(`${url}${pathname}`, { headers, signal: AbortSignal.timeout(2000) });
      return { status: response.status, text: (await response.text()).trim() };
    } catch {
      return null;
    }
  }

  /** Answers /version, and /instance_name names this slot's instance (not another backend on the port). */
  async function healthy(name: string): Promise<boolean> {
    return (await get('/version'))?.status === 200 && (await get('/instance_name'))?.text === name;
  }

  function failed(why: string): BerthError {
    return new BerthError('ERR_CONVEX_BACKEND_FAILED', `The Convex backend of slot ${options.slot} ${why}.${recentOutput.length ? `\nLast output lines:\n  ${recentOutput.slice(-8).join('\n  ')}` : ''}`, {
      details: { slot: options.slot, port: options.apiPort },
    });
  }

  return {
    url,
    instance,
    /** Starts the backend (or finds it running) and waits until it is healthy and takes its admin key. */
    async ensureRunning(): Promise<ConvexInstance> {
      const current = await instance();
      if (child && child.state !== 'crashed' && child.state !== 'exited' && (await healthy(current.name))) return current;
      if (child && (child.state === 'crashed' || child.state === 'exited')) child = null;
      if (!child) {
        const storage = path.join(options.dir, 'storage');
        const tmp = path.join(options.dir, 'tmp');
        fs.mkdirSync(tmp, { recursive: true });
        const binary = await options.binary();
        const { api, site } = options.publicUrls();
        const env: Record<string, string> = { TMPDIR: tmp, PATH: process.env.PATH ?? '/usr/bin:/bin' };
        let database = [path.join(options.dir, 'convex_local_backend.sqlite3')];
        if (current.storage.database === 'postgres') {
          const store = await options.postgres(current.name, current.dbPassword ?? '');
          database = ['--db', 'postgres-v5', store.serverUrl];
          // Convex insists on TLS to Postgres unless told otherwise; berth's embedded server is on loopback.
          if (store.loopback) env.DO_NOT_REQUIRE_SSL = '1';
        }
        if (current.storage.files === 's3') Object.assign(env, options.s3Env());
        const args = ['--interface', '127.0.0.1', '--port', String(options.apiPort), '--site-proxy-port', String(options.sitePort), '--instance-name', current.name, '--instance-secret', current.secret, '--convex-origin', api, '--convex-site', site, '--local-storage', storage, ...database, '--disable-beacon'];
        recentOutput = [];
        child = createAppInstance({
          slot: options.slot,
          release: 0,
          command: { command: binary, args, display: `${path.basename(binary)} --port ${options.apiPort} --instance-name ${current.name} …` },
          cwd: options.dir,
          env,
          port: options.apiPort,
          policy: options.policy,
          stopGraceMs: options.stopGraceMs,
          stopSignal: 'SIGINT',
          maxLineBytes: options.maxLineBytes,
          clock: options.clock,
          writeLog: (stream, lines) => {
            recentOutput = [...recentOutput, ...lines].slice(-20);
            options.writeLog(stream, lines.map((line) => `[convex] ${line}`));
          },
        });
        child.start();
      }
      const deadline = options.clock.now() + options.healthTimeoutMs;
      while (!(await healthy(current.name))) {
        const state = child.state;
        if (state === 'crashed' || state === 'exited') throw failed(`exited before it answered (${state})`);
        if (options.clock.now() > deadline) throw failed(`did not answer as instance ${current.name} on port ${options.apiPort} within ${options.healthTimeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const check = await get('/api/check_admin_key', { authorization: `Convex ${current.adminKey}` });
      if (check?.status !== 200) throw failed(`refused berth's admin key (HTTP ${check?.status ?? 'no answer'})`);
      // Healthy once: from now on an exit is a crash the restart policy recovers from.
      child.supervise();
      return current;
    },
    status(): { running: boolean; pid: number | null; state: string } {
      return { running: child !== null && child.state === 'running', pid: child?.pid ?? null, state: child?.state ?? 'stopped' };
    },
    async stop(): Promise<void> {
      const running = child;
      child = null;
      await running?.stop();
    },
  };
}

export type ConvexBackend = ReturnType<typeof createConvexBackend>;
