// The composition root: builds every service with explicit collaborators and returns { start, close }.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApi, type RouteEntry } from '../api/build-api.js';
import { resolvePaths } from '../config/paths.js';
import type { ResolvedConfig } from '../config/schema.js';
import { BerthError } from '../errors/berth-error.js';
import { createSlotFront, type SlotFront } from '../front/slot-front.js';
import type { Logger } from '../log/logger.js';
import { openSlotLog, type SlotLog } from '../logs/slot-log.js';
import { createSlotRuntime, type SlotRuntime } from '../slots/slot-runtime.js';
import { createSlotService } from '../slots/slot-service.js';
import { createDeployService } from '../slots/deploy-service.js';
import { writeGitHelpers } from '../deploy/git-source.js';
import { openDatabase } from '../store/open-store.js';
import { createStateStore } from '../store/state-store.js';
import { systemClock, type Clock } from '../supervisor/clock.js';
import { createPortAllocator, describePortOwner } from '../supervisor/ports.js';
import { createAdminAuth } from '../auth/admin-auth.js';
import { createAuthStore } from '../store/auth-store.js';
import { createDatabaseService } from '../database/database-service.js';
import { createDatabaseStore } from '../store/database-store.js';
import { createHookStore } from '../store/hook-store.js';
import { createHooksService, type HooksService } from '../hooks/hooks-service.js';
import { detectCoder } from '../coder/coder-env.js';
import { createPublicUrls } from '../coder/public-urls.js';
import { createConvexService } from '../convex/convex-service.js';
import { applySlugsFromEnv, assertSlug } from '../coder/slugs.js';
import { buildHooksServer } from '../hooks/hooks-server.js';
import { ensureSecretFile } from './credentials.js';
import { restartLiveSlots, stopLeftoverApps } from './recover.js';
import { startStatsSampler } from './stats-sampler.js';

export interface DaemonOptions {
  config: ResolvedConfig;
  logger: Logger;
  /** The daemon's own environment, from which apps inherit only config.inheritEnv. */
  env: Record<string, string | undefined>;
  clock?: Clock;
  nodePath?: string;
  version?: string;
  /** The built admin UI; dist/ui of this package unless told. */
  uiDir?: string;
}

export interface DaemonInfo {
  pid: number;
  adminUrl: string;
  /** Where senders deliver webhooks (null when the listener is off). */
  hooksUrl: string | null;
  /** The address clients on this machine call (the bind address itself, not a display name). */
  apiUrl: string;
  slots: Record<string, string>;
  startedAt: number;
  /** The Coder workspace berth runs in (null on a plain machine), and what stops its subdomain apps, if anything. */
  coder?: { workspace: string | null; agent: string | null; owner: string | null; problem: string | null } | null;
  /** A one-time login code, made when no admin password is set yet (never written to disk). */
  login?: { code: string; expiresAt: number } | null;
}

export function createDaemon(options: DaemonOptions) {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const paths = resolvePaths(config.home);
  const closers: Array<() => Promise<void> | void> = [];
  let apiRoutes: RouteEntry[] = [];
  const displayHost = config.bind === '127.0.0.1' || config.bind === '0.0.0.0' ? 'localhost' : config.bind;
  const coder = detectCoder(options.env);

  async function start(): Promise<DaemonInfo> {
    fs.mkdirSync(paths.home, { recursive: true, mode: 0o700 });
    const db = openDatabase(paths.stateDb);
    closers.push(() => {
      db.close();
    });
    const store = createStateStore(db, clock.now);
    store.ensureSlots(config.slots.map((slot) => slot.name));
    const token = ensureSecretFile(paths.cliToken);
    applySlugsFromEnv(options.env.BERTH_SLOT_SLUGS, {
      slots: config.slots.map((slot) => slot.name),
      current: (name) => store.getSlot(name)?.settings.slug ?? name,
      set: (name, slug) => {
        store.setSlotSettings(name, { ...store.getSlot(name)!.settings, slug });
        store.addEvent(name, 'slot.settings', `slot ${name} has the subdomain slug "${slug}" (from the Coder template's parameter)`);
      },
      refuse: (name, message) => {
        logger.warn({ slot: name }, message);
        store.addEvent(config.slots.some((slot) => slot.name === name) ? name : null, 'coder.slug-refused', message);
      },
      coder,
    });
    const urls = createPublicUrls({ config, coder, displayHost, slugOf: (name) => store.getSlot(name)?.settings.slug ?? name });
    const adminUrl = urls.admin();
    if (coder?.problem) logger.warn({ problem: coder.problem }, 'Coder subdomain apps cannot work');

    const database = createDatabaseService({
      config,
      paths,
      store: createDatabaseStore(db, clock.now),
      logger: logger.child({ component: 'database' }),
      daemonEnv: options.env,
      assertSlot: (name) => {
        if (!config.slots.some((slot) => slot.name === name)) {
          throw new BerthError('ERR_SLOT_UNKNOWN', `There is no slot "${name}"; the slots are ${config.slots.map((slot) => slot.name).join(', ')}.`, { details: { slot: name } });
        }
      },
      event: (slot, type, message, actor = null) => store.addEvent(slot, type, message, undefined, actor),
    });
    // The database stops after the apps that use it (closers run in reverse).
    closers.push(() => database.close());

    const convex = createConvexService({
      config,
      paths,
      clock,
      publicUrls: (slot, ports) => urls.convex(slot, ports),
      writeLog: (slot, stream, lines) => logs.get(slot)?.append(0, stream, lines),
      event: (slot, type, message, actor = null) => store.addEvent(slot, type, message, undefined, actor),
      settings: (slot) => store.getSlot(slot)?.settings ?? {},
      slotEnv: (slot) => store.getSlot(slot)?.env ?? {},
      database,
      nodePath: options.nodePath ?? process.execPath,
      home: options.env.HOME ?? os.homedir(),
      workspace: coder?.workspace ?? (database.mode() === 'external' ? os.hostname() : null),
    });
    // What berth gives a slot's app and build besides its env: its public URL, its database, its Convex backend.
    // PUBLIC_URL first: an owner's own PUBLIC_URL in the slot's env wins over it.
    const providedEnv = (slot: string) => ({ PUBLIC_URL: urls.slot(slot), ...database.env(slot), ...convex.env(slot) });
    const providedSecrets = (slot: string) => [...database.secrets(slot), ...convex.secrets(slot)];
    const logs = new Map<string, SlotLog>();
    const fronts = new Map<string, SlotFront>();
    const runtimes = new Map<string, SlotRuntime>();
    const ports = createPortAllocator(config.internalPorts);
    closers.push(() => logs.forEach((log) => log.close()));
    // Backends stop after the apps that use them and before the logs they write to close (closers run in reverse).
    closers.push(() => convex.close());
    for (const slot of config.slots) {
      const log = openSlotLog({ dir: paths.slotLogsDir(slot.name), maxFileBytes: config.logs.maxFileBytes, maxFiles: config.logs.maxFiles, now: clock.now });
      const pageInfo = { slot: slot.name, adminUrl, get slotUrl() { return urls.slot(slot.name); } };
      const front = createSlotFront({ slot: slot.name, host: config.bind, port: slot.port, pageInfo });
      logs.set(slot.name, log);
      fronts.set(slot.name, front);
      runtimes.set(
        slot.name,
        createSlotRuntime({
          config,
          slot,
          store,
          log,
          front,
          ports,
          clock,
          logger: logger.child({ component: 'slot', slot: slot.name }),
          daemonEnv: options.env,
          providedEnv: () => providedEnv(slot.name),
          providedSecrets: () => providedSecrets(slot.name),
        }),
      );
      const record = store.getSlot(slot.name);
      if (record?.liveRelease) {
        front.show(
          record.desiredState === 'stopped'
            ? { kind: 'down', headline: 'This app is stopped', detail: `The owner stopped slot ${slot.name}.` }
            : { kind: 'down', headline: 'The app is starting', detail: `berth is starting the app in slot ${slot.name}.` },
        );
      }
    }
    // Apps stop after the fronts close (closers run in reverse).
    closers.push(() => Promise.all([...runtimes.values()].map((runtime) => runtime.shutdown())).then(() => undefined));
    for (const front of fronts.values()) {
      await front.listen();
      closers.push(() => front.close());
    }

    const service = createSlotService({
      config,
      store,
      runtimes,
      logs,
      slotUrl: (name) => urls.slot(name),
      providedSecrets,
      // deploys is made just below; a rollback only ever runs after start, when it exists.
      beforeRollback: (name, release, run) => deploys.redeployConvexFunctions(name, release, run),
      checkSettings: (name, next) => {
        convex.checkSettings(name, next);
        if (next.slug === undefined || next.slug === null) return;
        const otherSlugs = new Map(config.slots.filter((slot) => slot.name !== name).map((slot) => [store.getSlot(slot.name)?.settings.slug ?? slot.name, slot.name]));
        assertSlug(next.slug, { otherSlugs, coder });
      },
    });
    const deploys = createDeployService({
      config,
      paths,
      store,
      slots: service,
      gitHelpers: writeGitHelpers(paths.runDir),
      nodePath: options.nodePath ?? process.execPath,
      baseEnv: pickEnv(options.env, [...config.inheritEnv, ...BUILD_NETWORK_ENV]),
      providedEnv,
      convex,
      daemonEnv: options.env,
      logger: logger.child({ component: 'deploy' }),
      now: clock.now,
    });
    // Deployments stop before the apps (closers run in reverse): a running build is cancelled, queued ones abandoned.
    closers.push(() => deploys.close());
    const hooksUrl = urls.hooks();
    const hooks = createHooksService({
      paths,
      hooks: createHookStore(db, config.hooks.keepDeliveries, clock.now),
      slots: () => config.slots.map(({ name }) => {
        const settings = store.getSlot(name)?.settings ?? {};
        return { slot: name, repo: settings.repo ?? null, branch: settings.branch ?? null, autoDeploy: settings.autoDeploy !== false, deployTags: settings.deployTags === true };
      }),
      deploy: (slot, source, actor) => deploys.request(slot, source, 'webhook', actor, { coalesce: true }),
      now: clock.now,
    });
    const auth = createAdminAuth({ store: createAuthStore(db, clock.now), cliToken: token });
    const built = await buildApi({ service, deploys, database, hooks, convex, hooksUrl, paths, store, auth, logger: logger.child({ component: 'api' }), version: options.version ?? '0.0.0', uiDir: options.uiDir ?? defaultUiDir() });
    const api: FastifyInstance = built.app;
    apiRoutes = built.routes;
    await api.listen({ host: config.bind, port: config.adminPort }).catch(async (error: NodeJS.ErrnoException) => {
      await api.close();
      throw error.code === 'EADDRINUSE' ? portInUse(config.adminPort, config.bind) : error;
    });
    closers.push(() => api.close());
    if (config.hooks.enabled) await listenHooks(config, hooks, logger, closers);

    const sampler = startStatsSampler({ runtimes, service, intervalMs: config.statsIntervalMs, logger });
    closers.push(() => sampler.stop());

    for (const abandoned of store.abandonUnfinishedDeployments()) {
      store.addEvent(abandoned.slot, 'deploy.abandoned', `deployment ${abandoned.id} was ${abandoned.status} when berth stopped; it is marked abandoned and the slot keeps its previous release`);
      logger.warn({ slot: abandoned.slot, deployment: abandoned.id }, 'a deployment left unfinished by the previous daemon was marked abandoned');
    }
    await stopLeftoverApps(store, config.stopGraceMs, logger);
    // Nobody can sign in yet: make a one-time code and say it in the terminal that started berth.
    const login = auth.hasPassword() ? null : auth.issueLoginCode();
    const info: DaemonInfo = {
      login: login ? { code: login.code, expiresAt: login.expiresAt } : null,
      pid: process.pid,
      adminUrl,
      hooksUrl,
      apiUrl: `http://${config.bind === '0.0.0.0' ? '127.0.0.1' : config.bind}:${config.adminPort}`,
      slots: Object.fromEntries(config.slots.map((slot) => [slot.name, urls.slot(slot.name)])),
      coder: coder ? { workspace: coder.workspace, agent: coder.agent, owner: coder.owner, problem: coder.problem } : null,
      startedAt: clock.now(),
    };
    writeDaemonInfo(paths.daemonInfo, { ...info, login: undefined });
    closers.push(() => fs.rmSync(paths.daemonInfo, { force: true }));
    // Slots with a database need it before their apps start.
    await database.startIfNeeded().catch((error) => logger.error({ err: error }, 'the database server did not start; apps that need it may fail'));
    await convex.startAll();
    await restartLiveSlots(service, store, logger);
    logger.info({ adminUrl, slots: info.slots }, 'berth is up');
    return info;
  }

  async function close(): Promise<void> {
    // Reverse order of start: stop intake (API), then fronts, then apps, then logs and the database.
    while (closers.length > 0) {
      const closer = closers.pop()!;
      try {
        await closer();
      } catch (error) {
        logger.error({ err: error }, 'a shutdown step failed');
      }
    }
  }

  /** Every route of the admin server, for the test that calls each one without credentials. */
  return { start, close, paths, routes: () => apiRoutes };
}

/**
 * Besides config.inheritEnv, install and build steps see how this machine reaches the network: proxies, extra CA
 * certificates (a workspace behind a TLS-inspecting proxy), and the user's SSH agent and git askpass.
 */
const BUILD_NETWORK_ENV = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'GIT_SSL_CAINFO', 'SSH_AUTH_SOCK', 'GIT_ASKPASS'];

/** dist/ui beside src/ and dist/ (this file runs from src/daemon or, bundled, from dist/daemon). */
function defaultUiDir(): string {
  return fileURLToPath(new URL('../../dist/ui', import.meta.url));
}

function pickEnv(env: Record<string, string | undefined>, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) if (env[name] !== undefined) picked[name] = env[name]!;
  return picked;
}

function portInUse(port: number, host: string, what = 'admin API'): BerthError {
  return new BerthError('ERR_PORT_IN_USE', `Port ${port} (${what}) on ${host} is already in use by ${describePortOwner(port)}.`, { details: { port, host } });
}

/** The public webhook listener: its own server and port, so nothing of the admin API is reachable through it. */
async function listenHooks(config: ResolvedConfig, hooks: HooksService, logger: Logger, closers: Array<() => Promise<void> | void>): Promise<void> {
  const server = buildHooksServer(config.hooks, hooks, logger.child({ component: 'hooks' }));
  const host = config.hooks.bind ?? config.bind;
  await server.listen({ host, port: config.hooks.port }).catch(async (error: NodeJS.ErrnoException) => {
    await server.close();
    throw error.code === 'EADDRINUSE' ? portInUse(config.hooks.port, host, 'webhooks') : error;
  });
  closers.push(() => server.close());
}

function writeDaemonInfo(file: string, info: DaemonInfo): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
}
