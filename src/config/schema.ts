// The one config schema: types, defaults and the description of every setting.

/** Where the Convex backend binary is downloaded from, as `npx convex dev --local` gets it. */
export const DOWNLOAD_DEFAULTS = {
  enabled: true,
  version: null,
  versionUrl: 'https://version.convex.dev/v1/local_backend_version',
  releasesUrl: 'https://github.com/get-convex/convex-backend/releases/download',
  apiUrl: 'https://api.github.com/repos/get-convex/convex-backend/releases',
};
import { z } from 'zod';

export const SLOT_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

const port = z.number().int().min(1).max(65535);

const slotSchema = z.object({
  name: z.string().regex(SLOT_NAME_PATTERN).max(32).describe('Slot name: a lowercase letter, then lowercase letters, digits or dashes.'),
  port: port.describe('Public port of the slot front (1-65535), unique across slots and the admin port.'),
  memoryLimitMb: z.number().int().positive().nullable().default(null).describe('Restart the app when its whole process tree uses more resident memory than this many MiB; null for no limit.'),
});

export const configSchema = z
  .object({
    bind: z.string().min(1).default('127.0.0.1').describe('Address the admin API and slot fronts listen on. Keep 127.0.0.1 unless a proxy in front needs another.'),
    adminPort: port.default(9000).describe('Port of the admin API (1-65535).'),
    slots: z
      .array(slotSchema)
      .min(1)
      .default(['a', 'b', 'c', 'd', 'e'].map((name, index) => ({ name, port: 3001 + index, memoryLimitMb: null })))
      .describe('The slots: a list of {name, port, memoryLimitMb}.'),
    internalPorts: z
      .object({ from: port.default(4100), to: port.default(4999) })
      .default({ from: 4100, to: 4999 })
      .describe('Range of loopback ports handed to app processes as $PORT.'),
    releases: z.object({ keep: z.number().int().min(1).max(100).default(5) }).default({ keep: 5 }).describe('How many releases per slot stay on disk for rollback (1-100).'),
    logs: z
      .object({
        maxFileBytes: z.number().int().min(4096).default(10 * 1024 * 1024),
        maxFiles: z.number().int().min(1).max(1000).default(5),
        maxLineBytes: z.number().int().min(256).default(16 * 1024),
      })
      .default({ maxFileBytes: 10 * 1024 * 1024, maxFiles: 5, maxLineBytes: 16 * 1024 })
      .describe('App log files per slot: rotate at maxFileBytes (at least 4096), keep maxFiles rotated files, cut lines longer than maxLineBytes.'),
    health: z
      .object({
        path: z.string().startsWith('/').default('/'),
        timeoutMs: z.number().int().min(100).default(60_000),
        intervalMs: z.number().int().min(10).default(100),
      })
      .default({ path: '/', timeoutMs: 60_000, intervalMs: 100 })
      .describe('Health check of a new release: path (starting with /) polled every intervalMs until an HTTP answer below 500, for at most timeoutMs.'),
    deploy: z
      .object({
        concurrency: z.number().int().min(1).max(16).default(2),
        minFreeMemoryMb: z.number().int().min(0).default(256),
        timeouts: z
          .object({
            fetchMs: z.number().int().min(1000).default(120_000),
            installMs: z.number().int().min(1000).default(900_000),
            buildMs: z.number().int().min(1000).default(900_000),
          })
          .default({ fetchMs: 120_000, installMs: 900_000, buildMs: 900_000 }),
        keepLogs: z.number().int().min(1).max(10_000).default(50),
      })
      .default({ concurrency: 2, minFreeMemoryMb: 256, timeouts: { fetchMs: 120_000, installMs: 900_000, buildMs: 900_000 }, keepLogs: 50 })
      .describe(
        'Deployments: how many slots build at once (concurrency, 1-16); the free memory (MiB) an install or build needs to start (minFreeMemoryMb); the deadline of each stage in ms (timeouts.fetchMs, installMs, buildMs; the health stage uses health.timeoutMs); how many deployment logs each slot keeps (keepLogs).',
      ),
    database: z
      .object({
        port: port.default(5433),
        adminUrl: z.string().startsWith('postgres').nullable().default(null),
        useWorkspaceUrl: z.boolean().default(false),
      })
      .default({ port: 5433, adminUrl: null, useWorkspaceUrl: false })
      .describe(
        "Per-slot Postgres databases: the embedded server's loopback port (another free one is used, and said, when it is taken); or adminUrl, a postgres:// URL of an external server whose role has CREATEDB and CREATEROLE; or useWorkspaceUrl, to use the daemon's PGURI (or DATABASE_URL) as that URL.",
      ),
    hooks: z
      .object({
        enabled: z.boolean().default(true),
        port: port.default(9001),
        bind: z.string().min(1).nullable().default(null),
        publicUrl: z.string().url().nullable().default(null),
        maxBodyBytes: z.number().int().min(1024).max(25 * 1024 * 1024).default(5 * 1024 * 1024),
        perMinute: z.number().int().min(1).default(300),
        failuresPerMinute: z.number().int().min(1).default(30),
        keepDeliveries: z.number().int().min(10).max(10_000).default(500),
      })
      .default({ enabled: true, port: 9001, bind: null, publicUrl: null, maxBodyBytes: 5 * 1024 * 1024, perMinute: 300, failuresPerMinute: 30, keepDeliveries: 500 })
      .describe(
        'Push-to-deploy webhooks: a listener of its own that serves only /hooks/* and /health (enabled; port, default 9001; bind, default the same address as bind); publicUrl, the address senders use when berth is behind a proxy; the body limit in bytes (maxBodyBytes, at most 25 MiB like GitHub); per source address, at most perMinute requests and failuresPerMinute failed verifications a minute before 429; how many deliveries the log keeps (keepDeliveries).',
      ),
    convex: z
      .object({
        binary: z.string().min(1).nullable().default(null),
        basePort: port.default(3210),
        download: z
          .object({
            enabled: z.boolean().default(true),
            version: z.string().regex(/^precompiled-\d{4}-\d{2}-\d{2}-[0-9a-f]+$/, 'a release tag like precompiled-2026-08-21-652b828').nullable().default(null),
            versionUrl: z.string().url().default(DOWNLOAD_DEFAULTS.versionUrl),
            releasesUrl: z.string().url().default(DOWNLOAD_DEFAULTS.releasesUrl),
            apiUrl: z.string().url().default(DOWNLOAD_DEFAULTS.apiUrl),
          })
          .default(DOWNLOAD_DEFAULTS),
      })
      .default({ binary: null, basePort: 3210, download: DOWNLOAD_DEFAULTS })
      .describe(
        "Convex apps: the convex-local-backend binary (null: the Convex CLI's cache, ~/.cache/convex/binaries, else downloaded from Convex's GitHub releases and checked against the SHA-256 digest GitHub publishes — download.enabled false turns that off, download.version pins a release tag); each slot's backend listens on 127.0.0.1 at basePort + 2 × the slot's position (its HTTP actions on the next port).",
      ),
    coder: z
      .object({
        externalAuth: z.string().regex(/^[A-Za-z0-9_.-]+$/).nullable().default('github'),
        externalAuthHosts: z.array(z.string().min(1)).default(['github.com']),
      })
      .default({ externalAuth: 'github', externalAuthHosts: ['github.com'] })
      .describe(
        "In a Coder workspace: the external-auth provider id whose token berth asks the coder CLI for when a slot's https repository on one of externalAuthHosts has no git token of its own (null: never ask).",
      ),
    drainTimeoutMs: z.number().int().min(0).default(10_000).describe('How long an old release may finish in-flight requests after a switch.'),
    stopGraceMs: z.number().int().min(0).default(5_000).describe('How long an app gets between SIGTERM and SIGKILL.'),
    restart: z
      .object({
        minUptimeMs: z.number().int().min(0).default(1_000),
        initialDelayMs: z.number().int().min(0).default(100),
        factor: z.number().min(1).default(1.5),
        maxDelayMs: z.number().int().min(0).default(15_000),
        maxFastFailures: z.number().int().min(1).default(16),
        resetAfterMs: z.number().int().min(0).default(30_000),
      })
      .default({ minUptimeMs: 1_000, initialDelayMs: 100, factor: 1.5, maxDelayMs: 15_000, maxFastFailures: 16, resetAfterMs: 30_000 })
      .describe('Restart policy: a run shorter than minUptimeMs is a fast failure; delays grow by factor up to maxDelayMs; maxFastFailures in a row mark the slot crashed.'),
    statsIntervalMs: z.number().int().min(100).default(2_000).describe('How often CPU and memory of each app are sampled (and the memory limit checked).'),
    inheritEnv: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
      .default(['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL'])
      .describe('Names of the daemon environment variables that apps inherit; nothing else leaks into apps.'),
  })
  .superRefine((config, context) => {
    const seenNames = new Set<string>();
    const seenPorts = new Map<number, string>([[config.adminPort, 'adminPort']]);
    if (config.hooks.enabled) {
      if (config.hooks.port === config.adminPort) context.addIssue({ code: 'custom', path: ['hooks', 'port'], message: `port ${config.hooks.port} is already used by adminPort` });
      else seenPorts.set(config.hooks.port, 'hooks.port');
    }
    config.slots.forEach((slot, index) => {
      if (seenNames.has(slot.name)) {
        context.addIssue({ code: 'custom', path: ['slots', index, 'name'], message: `slot name "${slot.name}" is used twice` });
      }
      seenNames.add(slot.name);
      const holder = seenPorts.get(slot.port);
      if (holder) {
        context.addIssue({ code: 'custom', path: ['slots', index, 'port'], message: `port ${slot.port} is already used by ${holder}` });
      }
      seenPorts.set(slot.port, `slot ${slot.name}`);
    });
    config.slots.forEach((slot) => {
      const ports = convexPorts(config, slot.name);
      for (const [what, convexPort] of [['API', ports.api], ['site', ports.site]] as const) {
        const holder = seenPorts.get(convexPort);
        if (holder) context.addIssue({ code: 'custom', path: ['convex', 'basePort'], message: `slot ${slot.name}'s Convex ${what} port ${convexPort} is already used by ${holder}` });
      }
    });
    if (config.internalPorts.from > config.internalPorts.to) {
      context.addIssue({ code: 'custom', path: ['internalPorts'], message: `from (${config.internalPorts.from}) is above to (${config.internalPorts.to})` });
    }
  });

export type ConfigInput = z.input<typeof configSchema>;
export type SlotConfig = z.output<typeof slotSchema>;
export interface ResolvedConfig extends z.output<typeof configSchema> {
  /** Absolute path of BERTH_HOME. */
  home: string;
}

/** A slot's Convex backend ports: its API at convex.basePort + 2 × the slot's position, its HTTP actions on the next. */
export function convexPorts(config: Pick<ResolvedConfig, 'slots' | 'convex'>, slot: string): { api: number; site: number } {
  const index = config.slots.findIndex((entry) => entry.name === slot);
  return { api: config.convex.basePort + 2 * index, site: config.convex.basePort + 2 * index + 1 };
}
