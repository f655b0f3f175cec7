// One slot at run time: its live release, the health-gated switch to a new one, stop/start, and its status.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ResolvedConfig, SlotConfig } from '../config/schema.js';
import { BerthError } from '../errors/berth-error.js';
import { createProxyRoute, type ProxyRoute } from '../front/proxy-route.js';
import type { FrontRoute, SlotFront } from '../front/slot-front.js';
import type { SlotLog } from '../logs/slot-log.js';
import { buildAppEnv } from '../supervisor/app-env.js';
import { createAppInstance, type AppInstance } from '../supervisor/app-instance.js';
import type { Clock } from '../supervisor/clock.js';
import type { PortAllocator } from '../supervisor/ports.js';
import { CLOCK_TICKS_PER_SECOND } from '../supervisor/proc.js';
import { formatDuration } from '../supervisor/restart-policy.js';
import type { ReleaseRecord } from '../store/records.js';
import type { StateStore } from '../store/state-store.js';
import type { DeploymentRun } from './deployment-run.js';
import { waitForHealthy } from './health-check.js';
import { createSerialLock } from './serial-lock.js';
import { createRedactor, secretValues } from './secrets.js';

export interface SlotRuntimeDeps {
  config: ResolvedConfig;
  slot: SlotConfig;
  store: StateStore;
  log: SlotLog;
  front: SlotFront;
  ports: PortAllocator;
  clock: Clock;
  logger: Logger;
  daemonEnv: Record<string, string | undefined>;
  /** Env berth provides the slot's app (its database), read at each start; and the secrets in it. */
  providedEnv?: () => Record<string, string>;
  providedSecrets?: () => string[];
}

interface Live {
  release: ReleaseRecord;
  instance: AppInstance | null;
  route: ProxyRoute | null;
}

const HISTORY_SAMPLES = 30;

export type SlotState = 'empty' | 'starting' | 'running' | 'restarting' | 'crashed' | 'stopped';

export function createSlotRuntime(deps: SlotRuntimeDeps) {
  const { config, slot, store, front, clock } = deps;
  const lock = createSerialLock();
  let live: Live | null = null;
  /** Why the slot has nothing running although it should (its release failed to start), for status. */
  let startFailure: string | null = null;
  let closing = false;
  let usage = { cpuPercent: 0, memoryBytes: 0, lastTicks: 0, lastAt: 0 };
  /** The last samples, oldest first, for the UI's sparklines. */
  const history = { cpuPercent: [] as number[], memoryBytes: [] as number[] };
  const remember = (cpuPercent: number, memoryBytes: number) => {
    history.cpuPercent.push(Math.round(cpuPercent * 10) / 10);
    history.memoryBytes.push(memoryBytes);
    if (history.cpuPercent.length > HISTORY_SAMPLES) {
      history.cpuPercent.shift();
      history.memoryBytes.shift();
    }
  };

  const event = (type: string, message: string, data?: Record<string, unknown>, actor: string | null = null) => {
    store.addEvent(slot.name, type, message, data, actor);
    deps.logger.info({ slot: slot.name, event: type, ...data }, message);
  };

  function newInstance(release: ReleaseRecord, port: number): AppInstance {
    // An app that prints one of its secrets (a connection string in an error) gets it masked in the log.
    const redact = createRedactor([...secretValues(release.env, store.getSlot(slot.name)?.secretKeys ?? []), ...(deps.providedSecrets?.() ?? [])]);
    const instance = createAppInstance({
      slot: slot.name,
      release: release.seq,
      command: release.command!,
      cwd: path.join(release.filesDir, release.appDir),
      env: buildAppEnv({ daemonEnv: deps.daemonEnv, inherit: config.inheritEnv, releaseEnv: release.env, providedEnv: deps.providedEnv?.(), port, slot: slot.name, release: release.seq }),
      port,
      policy: config.restart,
      stopGraceMs: config.stopGraceMs,
      maxLineBytes: config.logs.maxLineBytes,
      clock,
      writeLog: (stream, lines) => deps.log.append(release.seq, stream, lines.map(redact)),
      events: {
        onSpawn: (pid, startTicks) => store.recordInstance({ pid, slot: slot.name, releaseSeq: release.seq, port, startTicks, startedAt: clock.now() }),
        onProcessGone: (pid) => store.forgetInstance(pid),
        onRestart: (run, delayMs) => event('app.restart', `release ${release.seq} exited (code ${run.code ?? run.signal}); restarting in ${formatDuration(delayMs)}`),
        onCrashed: (reason) => {
          event('app.crashed', `release ${release.seq} crashed: ${reason.split('\n')[0]}`, { reason });
          if (live?.instance === instance) front.show({ kind: 'down', headline: 'The app crashed', detail: `The app in slot ${slot.name} keeps exiting: ${reason.split('\n')[0]}.` });
        },
      },
    });
    return instance;
  }

  /** Starts a release beside the live one, waits for health, switches the front, then drains and stops the old one. */
  async function activate(release: ReleaseRecord, run: DeploymentRun): Promise<void> {
    try {
      await switchTo(release, run);
      startFailure = null;
    } catch (error) {
      if (!isServing()) {
        // Nothing else serves: say so on the slot's page instead of leaving the placeholder.
        startFailure = (error as Error).message;
        front.show({ kind: 'down', headline: 'The app failed to start', detail: `Release ${release.seq} of slot ${slot.name} did not start; the owner can see why with \`berth status ${slot.name}\`.` });
      }
      throw error;
    }
  }

  /** True while the live release answers: a static site shown by the front, or a running app process. */
  function isServing(): boolean {
    if (!live) return false;
    return live.release.kind === 'static' ? front.route.kind === 'static' : live.instance !== null;
  }

  async function switchTo(release: ReleaseRecord, run: DeploymentRun): Promise<void> {
    let next: Live;
    if (release.kind === 'static') {
      next = { release, instance: null, route: null };
    } else {
      const { port, instance } = await run.stage('start', async () => {
        const allocated = await deps.ports.allocate();
        const started = newInstance(release, allocated);
        started.start();
        return { port: allocated, instance: started };
      });
      await run.stage('health', () => awaitHealthy(release, instance, port));
      next = { release, instance, route: createProxyRoute({ port, isUp: () => instance.state === 'running' }) };
    }
    const previous = live;
    const previousRoute = await run.stage('switch', () => {
      next.instance?.supervise();
      live = next;
      store.setLiveRelease(slot.name, release.seq, release.env);
      return front.show(routeFor(next));
    });
    await run.stage('drain', () => retire(previous, previousRoute));
    event('release.live', `release ${release.seq} is live`, { release: release.seq });
  }

  async function awaitHealthy(release: ReleaseRecord, instance: AppInstance, port: number): Promise<void> {
    const healthPath = release.settings?.healthPath ?? config.health.path;
    const result = await waitForHealthy({ port, path: healthPath, timeoutMs: config.health.timeoutMs, intervalMs: config.health.intervalMs, exited: instance.whenExited() });
    if (result.healthy) return;
    await instance.stop();
    deps.ports.release(port);
    const stderr = instance.stderrTail().slice(-10);
    const stderrText = stderr.length > 0 ? `\nLast stderr lines:\n${stderr.map((line) => `  ${line}`).join('\n')}` : '\nIt printed nothing on stderr.';
    if (result.why === 'exited') {
      throw new BerthError('ERR_DEPLOY_START_FAILED', `Release ${release.seq} of slot ${slot.name} (${release.command!.display}) exited before it answered HTTP on port ${port}.${stderrText}`, {
        details: { slot: slot.name, release: release.seq, port, stderr },
      });
    }
    throw new BerthError(
      'ERR_DEPLOY_HEALTH_TIMEOUT',
      `Release ${release.seq} of slot ${slot.name} did not answer HTTP on port ${port} at ${healthPath} within ${formatDuration(config.health.timeoutMs)} (${result.lastProblem}).${stderrText}`,
      { details: { slot: slot.name, release: release.seq, port, stderr } },
    );
  }

  function routeFor(target: Live): FrontRoute {
    if (target.route) return { kind: 'proxy', route: target.route };
    const root = path.join(target.release.filesDir, target.release.appDir, target.release.staticDir ?? '');
    return { kind: 'static', site: { root, spaFallback: target.release.settings?.spaFallback ?? !existsSync(`${root}/404.html`) } };
  }

  async function retire(previous: Live | null, previousRoute: FrontRoute): Promise<void> {
    if (previousRoute.kind === 'proxy') {
      const drained = await previousRoute.route.drain(config.drainTimeoutMs);
      if (!drained.completed) event('release.drain-cut', `${drained.cut} request(s) to the old release were cut after ${formatDuration(config.drainTimeoutMs)}`);
    }
    if (previous?.instance) {
      await previous.instance.stop();
      deps.ports.release(previous.instance.port);
    }
  }

  return {
    name: slot.name,
    config: slot,
    front,
    get live(): Live | null {
      return live;
    },
    get busy(): boolean {
      return lock.busy;
    },
    /** Runs slot operations one at a time; once shutdown has begun, work still queued is refused. */
    exclusive<T>(work: () => Promise<T>): Promise<T> {
      return lock.run(() => {
        if (closing) throw new BerthError('ERR_SHUTTING_DOWN', `berth is stopping, so the operation on slot ${slot.name} did not run.`, { details: { slot: slot.name } });
        return work();
      });
    },
    activate,
    async stop(actor: string | null = null): Promise<void> {
      store.setDesiredState(slot.name, 'stopped');
      startFailure = null;
      const previous = live;
      const previousRoute = front.show(
        live ? { kind: 'down', headline: 'This app is stopped', detail: `The owner stopped slot ${slot.name}; it comes back with \`berth start ${slot.name}\`.` } : { kind: 'placeholder' },
      );
      if (previous) live = { ...previous, instance: null, route: null };
      await retire(previous, previousRoute);
      event('slot.stopped', `slot ${slot.name} stopped`, undefined, actor);
    },
    /** Stops whatever runs and shows the empty-slot page; the caller removes the releases. */
    async clear(): Promise<void> {
      startFailure = null;
      const previous = live;
      const previousRoute = front.show({ kind: 'placeholder' });
      live = null;
      await retire(previous, previousRoute);
    },
    /**
     * Daemon shutdown: lets the operation in progress finish (so it cannot start a process after this), refuses what
     * is queued behind it, then stops the app without recording a desired state, so it comes back at the next start.
     */
    async shutdown(): Promise<void> {
      closing = true;
      await lock.run(async () => {
        const instance = live?.instance;
        if (instance) {
          await instance.stop();
          deps.ports.release(instance.port);
        }
      });
    },
    /** Records CPU and memory of the live app's whole tree; returns its resident memory in bytes. */
    sample(measure: (pid: number) => { rssBytes: number; cpuTicks: number }): number {
      const pid = live?.instance?.pid;
      if (!pid) {
        usage = { cpuPercent: 0, memoryBytes: 0, lastTicks: 0, lastAt: 0 };
        if (history.cpuPercent.length > 0) remember(0, 0);
        return 0;
      }
      const now = clock.now();
      const { rssBytes, cpuTicks } = measure(pid);
      const elapsedSeconds = (now - usage.lastAt) / 1000;
      const cpuPercent = usage.lastAt > 0 && elapsedSeconds > 0 && cpuTicks >= usage.lastTicks ? ((cpuTicks - usage.lastTicks) / CLOCK_TICKS_PER_SECOND / elapsedSeconds) * 100 : 0;
      usage = { cpuPercent, memoryBytes: rssBytes, lastTicks: cpuTicks, lastAt: now };
      remember(cpuPercent, rssBytes);
      return rssBytes;
    },
    state(): SlotState {
      const record = store.getSlot(slot.name);
      if (!live) return record?.liveRelease ? (record.desiredState === 'stopped' ? 'stopped' : startFailure ? 'crashed' : 'starting') : 'empty';
      if (live.release.kind === 'static') return front.route.kind === 'static' ? 'running' : 'stopped';
      const instance = live.instance;
      if (!instance) return record?.desiredState === 'stopped' ? 'stopped' : startFailure ? 'crashed' : 'starting';
      return ({ starting: 'starting', running: 'running', backoff: 'restarting', crashed: 'crashed', exited: 'crashed', stopping: 'stopped', stopped: 'stopped' } as const)[instance.state];
    },
    /** The memory limit in MiB: the slot's setting, else the config's; null for none. */
    memoryLimitMb(): number | null {
      return store.getSlot(slot.name)?.settings.memoryLimitMb ?? slot.memoryLimitMb;
    },
    failureReason(): string | null {
      return live?.instance?.crashReason ?? startFailure;
    },
    usage(): { cpuPercent: number; memoryBytes: number } {
      return { cpuPercent: usage.cpuPercent, memoryBytes: usage.memoryBytes };
    },
    history(): { cpuPercent: number[]; memoryBytes: number[] } {
      return { cpuPercent: [...history.cpuPercent], memoryBytes: [...history.memoryBytes] };
    },
  };
}

export type SlotRuntime = ReturnType<typeof createSlotRuntime>;
