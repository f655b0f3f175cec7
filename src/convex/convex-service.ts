// Convex apps in slots: one self-hosted backend per slot that has a Convex app, started when its first deploy needs
// it (and again when berth starts), stopped after the apps; the env a Convex app and its build need; status.
import fs from 'node:fs';
import path from 'node:path';
import type { BerthPaths } from '../config/paths.js';
import { convexPorts, type ResolvedConfig } from '../config/schema.js';
import { BerthError } from '../errors/berth-error.js';
import type { LogStream } from '../logs/log-line.js';
import type { Clock } from '../supervisor/clock.js';
import { resolveBackendBinary } from './binary.js';
import { authKeys } from './auth-keys.js';
import { runConvexDoctor } from './convex-doctor.js';
import type { SlotSettings } from '../store/records.js';
import { createConvexBackend, readInstance, type ConvexBackend, type ConvexStorage } from './backend.js';
import { resetBackend } from './convex-reset.js';

export interface ConvexServiceDeps {
  config: ResolvedConfig;
  paths: BerthPaths;
  clock: Clock;
  publicUrls(slot: string, ports: { api: number; site: number }): { api: string; site: string };
  writeLog(slot: string, stream: LogStream, lines: string[]): void;
  event(slot: string, type: string, message: string, actor?: string | null): void;
  settings(slot: string): SlotSettings;
  /** The slot's own env (S3 settings for the backend, the admin key of an external backend). */
  slotEnv(slot: string): Record<string, string>;
  /** Postgres for backends whose data is on Postgres. */
  database: {
    convexStore(instance: string, password: string): Promise<{ serverUrl: string; loopback: boolean }>;
    dumpConvexStore(instance: string, password: string, file: string): Promise<void>;
    dropConvexStore(instance: string): Promise<void>;
  };
  nodePath: string;
  /** The home folder whose ~/.cache/convex/binaries the Convex CLI shares. */
  home: string;
  /** What tells this berth's instances from other workspaces' (null: nothing needs to). */
  workspace: string | null;
}

const wantedStorage = (settings: SlotSettings): ConvexStorage => ({ database: settings.convexStorage ?? 'sqlite', files: settings.convexFiles ?? 'local' });
const describe = (storage: ConvexStorage) => `${storage.database === 'sqlite' ? 'SQLite' : 'Postgres'} with ${storage.files === 'local' ? 'local files' : 'files on S3'}`;
/** The slot env the backend process gets for S3 storage, as Convex reads it. */
const s3Names = /^(AWS_|S3_)/;

export function createConvexService(deps: ConvexServiceDeps) {
  const { config, paths } = deps;
  const backends = new Map<string, ConvexBackend>();
  const dirOf = (slot: string) => path.join(paths.slotDir(slot), 'convex');
  const portsOf = (slot: string) => convexPorts(config, slot);
  /**
   * The name of a new instance (an existing one keeps the name in its instance.json): the slot, and the workspace
   * where instances of several workspaces can meet (a Coder workspace's name; the host when Postgres is shared), since
   * a Postgres-stored backend's database is named after its instance.
   */
  const instanceName = (slot: string) => {
    const workspace = (deps.workspace ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30);
    return workspace ? `berth-${workspace}-${slot}` : `berth-${slot}`;
  };

  let resolving: Promise<string> | null = null;
  /** One lookup (or download) at a time, shared by slots that start together; a failure is tried again next time. */
  function binary(slot: string): Promise<string> {
    resolving ??= resolveBackendBinary(config.convex, deps.home, (line) => deps.writeLog(slot, 'sys', [`[convex] ${line}`])).finally(() => {
      resolving = null;
    });
    return resolving;
  }

  function backendOf(slot: string): ConvexBackend {
    let backend = backends.get(slot);
    if (!backend) {
      const ports = portsOf(slot);
      backend = createConvexBackend({
        slot,
        dir: dirOf(slot),
        instanceName: instanceName(slot),
        binary: () => binary(slot),
        wantedStorage: () => wantedStorage(deps.settings(slot)),
        postgres: (instance, password) => deps.database.convexStore(instance, password),
        s3Env: () => s3EnvOf(slot),
        apiPort: ports.api,
        sitePort: ports.site,
        publicUrls: () => deps.publicUrls(slot, ports),
        policy: config.restart,
        stopGraceMs: config.stopGraceMs,
        maxLineBytes: config.logs.maxLineBytes,
        healthTimeoutMs: config.health.timeoutMs,
        clock: deps.clock,
        writeLog: (stream, lines) => deps.writeLog(slot, stream, lines),
      });
      backends.set(slot, backend);
    }
    return backend;
  }

  /** An already-running backend the owner gave the slot (convexUrl, and its admin key as a slot secret), or null. */
  function externalOf(slot: string): { url: string; adminKey: string } | null {
    const url = deps.settings(slot).convexUrl;
    return url ? { url, adminKey: deps.slotEnv(slot).CONVEX_SELF_HOSTED_ADMIN_KEY ?? '' } : null;
  }
  const hasInstance = (slot: string) => fs.existsSync(path.join(dirOf(slot), 'instance.json'));
  /** A slot has a Convex backend once a Convex app was deployed into it (its instance exists), or one was given. */
  const enabled = (slot: string) => externalOf(slot) !== null || hasInstance(slot);

  const s3EnvOf = (slot: string) => Object.fromEntries(Object.entries(deps.slotEnv(slot)).filter(([name]) => s3Names.test(name)));

  /** The instance berth made for the slot, or ERR_CONVEX_NOT_ENABLED. */
  function readInstanceOrFail(slot: string) {
    try {
      return readInstance(path.join(dirOf(slot), 'instance.json'));
    } catch {
      throw new BerthError('ERR_CONVEX_NOT_ENABLED', `Slot ${slot} has no Convex backend: no Convex app was deployed into it.`, { details: { slot } });
    }
  }

  /** The admin key and name of the slot's backend: an external one's, or the instance berth made. */
  function instanceOf(slot: string): { adminKey: string; name: string } {
    const external = externalOf(slot);
    return external ? { adminKey: external.adminKey, name: '' } : readInstanceOrFail(slot);
  }

  /** A call to the slot's backend API with its admin key. */
  async function backendApi<T>(slot: string, pathname: string, body?: unknown): Promise<T> {
    const { adminKey } = instanceOf(slot);
    const external = externalOf(slot);
    if (!external) {
      // Started (and health-checked) only when it is not running already: no extra round trips on every call.
      const backend = backendOf(slot);
      if (!backend.status().running) await backend.ensureRunning();
    }
    const response = await fetch(`${external?.url ?? backendOf(slot).url}${pathname}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Convex ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new BerthError('ERR_CONVEX_BACKEND_FAILED', `The Convex backend of slot ${slot} answered ${response.status} to ${pathname}: ${text.slice(0, 300)}.`, { details: { slot, status: response.status } });
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** An external backend must answer and take its admin key before anything is deployed to it. */
  async function checkExternal(slot: string, external: { url: string; adminKey: string }): Promise<void> {
    const answer = async (pathname: string, headers: Record<string, string> = {}) => fetch(`${external.url}${pathname}`, { headers, signal: AbortSignal.timeout(5000) }).then((reply) => reply.status, () => null);
    const version = await answer('/version');
    if (version !== 200) throw new BerthError('ERR_CONVEX_BACKEND_FAILED', `The external Convex backend of slot ${slot} (${external.url}) does not answer /version (${version ?? 'no answer'}).`, { remedy: 'Start that backend, or fix the slot setting convexUrl.', details: { slot, url: external.url } });
    if (!external.adminKey) throw new BerthError('ERR_CONVEX_BACKEND_FAILED', `Slot ${slot} uses the external Convex backend ${external.url} and has no admin key for it.`, { remedy: `Set it as a slot secret: \`berth env set ${slot} CONVEX_SELF_HOSTED_ADMIN_KEY=<key> --secret\`.`, details: { slot } });
    const key = await answer('/api/check_admin_key', { authorization: `Convex ${external.adminKey}` });
    if (key !== 200) throw new BerthError('ERR_CONVEX_BACKEND_FAILED', `The external Convex backend of slot ${slot} (${external.url}) refuses the admin key in CONVEX_SELF_HOSTED_ADMIN_KEY (HTTP ${key ?? 'no answer'}).`, { remedy: 'Set the key that backend printed (or `convex-local-backend keygen admin-key` made) as that slot secret.', details: { slot } });
  }

  return {
    enabled,
    /** The env the app's functions see (the backend's own, set through its API). */
    async backendEnv(slot: string): Promise<Record<string, string>> {
      const reply = await backendApi<{ environmentVariables?: Record<string, string> }>(slot, '/api/v1/list_environment_variables');
      return reply.environmentVariables ?? {};
    },
    /**
     * Convex Auth's keys and site URL, set in the backend where they are missing; values already there (the owner's
     * own) are left alone. Returns the names it set.
     */
    async ensureAuthEnv(slot: string, siteUrl: string): Promise<string[]> {
      const current = await this.backendEnv(slot);
      const wanted: Record<string, string> = { ...authKeys(dirOf(slot)), SITE_URL: siteUrl };
      const set = Object.fromEntries(Object.entries(wanted).filter(([name]) => current[name] === undefined));
      if (Object.keys(set).length > 0) await this.changeBackendEnv(slot, { set });
      return Object.keys(set);
    },
    async changeBackendEnv(slot: string, changes: { set?: Record<string, string>; unset?: string[] }, actor: string | null = null): Promise<void> {
      const list = [...Object.entries(changes.set ?? {}).map(([name, value]) => ({ name, value })), ...(changes.unset ?? []).map((name) => ({ name, value: null }))];
      if (list.length === 0) return;
      await backendApi(slot, '/api/v1/update_environment_variables', { changes: list });
      deps.event(slot, 'convex.env', `Convex backend env of slot ${slot}: ${[...Object.keys(changes.set ?? {}).map((name) => `set ${name}`), ...(changes.unset ?? []).map((name) => `unset ${name}`)].join(', ')}`, actor);
    },
    /** Starts the slot's backend (making its instance on first use) and waits until it is healthy. */
    async ensureRunning(slot: string): Promise<void> {
      const external = externalOf(slot);
      if (external) return checkExternal(slot, external);
      const first = !enabled(slot);
      await backendOf(slot).ensureRunning();
      if (first) deps.event(slot, 'convex.created', `slot ${slot} has a Convex backend (instance ${instanceName(slot)}, port ${portsOf(slot).api})`);
    },
    /** Starts the backends of the slots that have one, before their apps start. */
    async startAll(): Promise<void> {
      for (const slot of config.slots.map((entry) => entry.name).filter((name) => hasInstance(name) && !externalOf(name))) {
        await backendOf(slot).ensureRunning().catch((error: Error) => deps.event(slot, 'convex.failed', `the Convex backend of slot ${slot} did not start: ${error.message.split('\n')[0]}`));
      }
    },
    /** What a Convex app and its build need: the loopback URL and admin key for the CLI, the public URLs for browsers. */
    env(slot: string): Record<string, string> {
      if (!enabled(slot)) return {};
      const external = externalOf(slot);
      if (external) {
        const env: Record<string, string> = { CONVEX_SELF_HOSTED_URL: external.url, CONVEX_SELF_HOSTED_ADMIN_KEY: external.adminKey };
        for (const name of ['CONVEX_URL', 'VITE_CONVEX_URL', 'NEXT_PUBLIC_CONVEX_URL', 'PUBLIC_CONVEX_URL']) env[name] = external.url;
        return env;
      }
      const ports = portsOf(slot);
      const urls = deps.publicUrls(slot, ports);
      return {
        CONVEX_SELF_HOSTED_URL: `http://127.0.0.1:${ports.api}`,
        CONVEX_SELF_HOSTED_ADMIN_KEY: instanceOf(slot).adminKey,
        CONVEX_URL: urls.api,
        VITE_CONVEX_URL: urls.api,
        NEXT_PUBLIC_CONVEX_URL: urls.api,
        PUBLIC_CONVEX_URL: urls.api,
        CONVEX_SITE_URL: urls.site,
      };
    },
    /** The doctor's findings for the slot's backend and its live release. */
    async doctor(slot: string, release: { filesDir: string; appDir: string } | null) {
      const external = externalOf(slot);
      const instance = external ? null : readInstanceOrFail(slot);
      const ports = portsOf(slot);
      const backendEnv = await this.backendEnv(slot).catch(() => null);
      const storage = instance ? { recorded: instance.storage, wanted: wantedStorage(deps.settings(slot)) } : null;
      return runConvexDoctor({
        slot,
        apiUrl: external?.url ?? `http://127.0.0.1:${ports.api}`,
        instanceName: instance?.name ?? null,
        adminKey: external?.adminKey ?? instance!.adminKey,
        siteUrl: external ? null : deps.publicUrls(slot, ports).site,
        release,
        backendEnv,
        storage,
        s3Env: storage?.recorded.files === 's3' ? s3EnvOf(slot) : null,
      });
    },
    /**
     * Refuses a settings change that the slot's backend could not start with: its data stays where it was first
     * stored (a backend made with local files fails to start on S3, one made on SQLite starts empty on Postgres).
     */
    checkSettings(slot: string, next: SlotSettings): void {
      if (!hasInstance(slot) || next.convexUrl) return;
      const recorded = readInstanceOrFail(slot).storage;
      const wanted = wantedStorage(next);
      if (recorded.database === wanted.database && recorded.files === wanted.files) return;
      throw new BerthError('ERR_CONVEX_STORAGE_LOCKED', `Slot ${slot}'s Convex backend keeps its data in ${describe(recorded)}; it cannot switch to ${describe(wanted)} in place (it would start empty, or not start at all).`, {
        remedy: `Run \`berth convex reset ${slot} --storage ${wanted.database} --files ${wanted.files}\`: it exports the data first (and keeps the export), starts an empty backend on the new storage, and says how to import the export.`,
        details: { slot, recorded, wanted },
      });
    },
    /** Starts the slot's backend over, empty, after keeping its data aside; optionally on other storage. */
    async reset(slot: string, release: { filesDir: string; appDir: string } | null, actor: string | null = null) {
      const external = externalOf(slot);
      if (external) throw new BerthError('ERR_CONVEX_NOT_ENABLED', `Slot ${slot} uses an external Convex backend (${external.url}); berth does not own its data.`, { remedy: 'Reset it where it runs, or remove the slot setting convexUrl.' });
      const instance = readInstanceOrFail(slot);
      const backend = backendOf(slot);
      const stamp = new Date(deps.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
      const result = await resetBackend({
        slot,
        dir: dirOf(slot),
        instance,
        exportDir: path.join(paths.slotDir(slot), 'convex-exports', stamp),
        running: backend.status().running,
        url: backend.url,
        release,
        nodePath: deps.nodePath,
        stop: () => backend.stop(),
        dumpPostgres: (file) => deps.database.dumpConvexStore(instance.name, instance.dbPassword ?? '', file),
        dropPostgres: () => deps.database.dropConvexStore(instance.name),
      });
      backends.delete(slot);
      deps.event(slot, 'convex.reset', `the Convex backend of slot ${slot} was reset; its data was kept in ${result.exportDir}`, actor);
      return result;
    },
    secrets(slot: string): string[] {
      const adminKey = enabled(slot) ? instanceOf(slot).adminKey : '';
      return adminKey ? [adminKey] : [];
    },
    status(slot: string) {
      const ports = portsOf(slot);
      const base = { slot, port: ports.api, sitePort: ports.site, urls: deps.publicUrls(slot, ports), instanceName: instanceName(slot), storage: null as ConvexStorage | null, external: null as string | null };
      const external = externalOf(slot);
      if (external) return { ...base, enabled: true, running: false, pid: null, external: external.url, urls: { api: external.url, site: '' } };
      if (!enabled(slot)) return { ...base, enabled: false, running: false, pid: null };
      const state = backendOf(slot).status();
      const instance = readInstanceOrFail(slot);
      return { ...base, enabled: true, running: state.running, pid: state.pid, instanceName: instance.name, storage: instance.storage };
    },
    async close(): Promise<void> {
      await Promise.all([...backends.values()].map((backend) => backend.stop()));
    },
  };
}

export type ConvexService = ReturnType<typeof createConvexService>;
