// Convex apps in slots: one self-hosted backend per slot that has a Convex app, started when its first deploy needs
// it (and again when berth starts), stopped after the apps; the env a Convex app and its build need; status.
import fs from 'node:fs';
import path from 'node:path';
import type { BerthPaths } from '../config/paths.js';
import { convexPorts, type ResolvedConfig } from '../config/schema.js';
import { BerthError } from '../errors/berth-error.js';
import type { LogStream } from '../logs/log-line.js';
import type { Clock } from '../supervisor/clock.js';
import { findBackendBinary } from './binary.js';
import { authKeys } from './auth-keys.js';
import { runConvexDoctor } from './convex-doctor.js';
import { createConvexBackend, type ConvexBackend } from './backend.js';

export interface ConvexServiceDeps {
  config: ResolvedConfig;
  paths: BerthPaths;
  clock: Clock;
  publicUrls(slot: string, ports: { api: number; site: number }): { api: string; site: string };
  writeLog(slot: string, stream: LogStream, lines: string[]): void;
  event(slot: string, type: string, message: string, actor?: string | null): void;
}

export function createConvexService(deps: ConvexServiceDeps) {
  const { config, paths } = deps;
  const backends = new Map<string, ConvexBackend>();
  const dirOf = (slot: string) => path.join(paths.slotDir(slot), 'convex');
  const portsOf = (slot: string) => convexPorts(config, slot);
  /** Slot names are unique per berth; the home folder's name keeps two berths on one machine apart. */
  const instanceName = (slot: string) => `berth-${slot}`;

  function backendOf(slot: string): ConvexBackend {
    let backend = backends.get(slot);
    if (!backend) {
      const ports = portsOf(slot);
      backend = createConvexBackend({
        slot,
        dir: dirOf(slot),
        instanceName: instanceName(slot),
        binary: () => findBackendBinary(config.convex.binary),
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

  /** A slot has a Convex backend once a Convex app was deployed into it (its instance exists). */
  const enabled = (slot: string) => fs.existsSync(path.join(dirOf(slot), 'instance.json'));

  function instanceOf(slot: string): { adminKey: string; name: string } {
    try {
      return JSON.parse(fs.readFileSync(path.join(dirOf(slot), 'instance.json'), 'utf8'));
    } catch {
      throw new BerthError('ERR_CONVEX_NOT_ENABLED', `Slot ${slot} has no Convex backend: no Convex app was deployed into it.`, { details: { slot } });
    }
  }

  /** A call to the slot's backend API with its admin key. */
  async function backendApi<T>(slot: string, pathname: string, body?: unknown): Promise<T> {
    const { adminKey } = instanceOf(slot);
    const backend = backendOf(slot);
    // Started (and health-checked) only when it is not running already: no extra round trips on every call.
    if (!backend.status().running) await backend.ensureRunning();
    const response = await fetch(`${backend.url}${pathname}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Convex ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new BerthError('ERR_CONVEX_BACKEND_FAILED', `The Convex backend of slot ${slot} answered ${response.status} to ${pathname}: ${text.slice(0, 300)}.`, { details: { slot, status: response.status } });
    return (text ? JSON.parse(text) : {}) as T;
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
      const first = !enabled(slot);
      await backendOf(slot).ensureRunning();
      if (first) deps.event(slot, 'convex.created', `slot ${slot} has a Convex backend (instance ${instanceName(slot)}, port ${portsOf(slot).api})`);
    },
    /** Starts the backends of the slots that have one, before their apps start. */
    async startAll(): Promise<void> {
      for (const slot of config.slots.map((entry) => entry.name).filter(enabled)) {
        await backendOf(slot).ensureRunning().catch((error: Error) => deps.event(slot, 'convex.failed', `the Convex backend of slot ${slot} did not start: ${error.message.split('\n')[0]}`));
      }
    },
    /** What a Convex app and its build need: the loopback URL and admin key for the CLI, the public URLs for browsers. */
    env(slot: string): Record<string, string> {
      if (!enabled(slot)) return {};
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
      const { adminKey, name } = instanceOf(slot);
      const ports = portsOf(slot);
      const backendEnv = await this.backendEnv(slot).catch(() => null);
      return runConvexDoctor({ slot, apiUrl: `http://127.0.0.1:${ports.api}`, instanceName: name, adminKey, siteUrl: deps.publicUrls(slot, ports).site, release, backendEnv });
    },
    secrets(slot: string): string[] {
      return enabled(slot) ? [instanceOf(slot).adminKey] : [];
    },
    status(slot: string) {
      const ports = portsOf(slot);
      if (!enabled(slot)) return { slot, enabled: false as const, port: ports.api, sitePort: ports.site, running: false, pid: null, urls: deps.publicUrls(slot, ports), instanceName: instanceName(slot) };
      const state = backendOf(slot).status();
      return { slot, enabled: true as const, port: ports.api, sitePort: ports.site, running: state.running, pid: state.pid, urls: deps.publicUrls(slot, ports), instanceName: instanceOf(slot).name };
    },
    async close(): Promise<void> {
      await Promise.all([...backends.values()].map((backend) => backend.stop()));
    },
  };
}

export type ConvexService = ReturnType<typeof createConvexService>;
