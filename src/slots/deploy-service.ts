// Deployments from a repository or a folder: queued per slot, built outside the slot's lock (the live release keeps
// serving and can still be restarted or rolled back), then switched in through the same health-gated activation.
import fs from 'node:fs';
import path from 'node:path';
import type { BerthPaths } from '../config/paths.js';
import type { ResolvedConfig } from '../config/schema.js';
import { buildRelease } from '../deploy/build-release.js';
import { coderGitToken } from '../deploy/coder-token.js';
import { functionsFolder } from '../convex/detect.js';
import { deployFunctions } from '../convex/functions-deploy.js';
import { runStep } from '../deploy/run-step.js';
import type { DeploymentRun } from './deployment-run.js';
import { createDeployLog, readDeployLog, type DeployLog, type DeployLogLine } from '../deploy/deploy-log.js';
import { createDeployQueue } from '../deploy/deploy-queue.js';
import type { GitHelpers } from '../deploy/git-source.js';
import { BerthError, toBerthError } from '../errors/berth-error.js';
import type { Logger } from '../log/logger.js';
import type { DeploySource, DeploymentRecord, DeploymentTrigger, ReleaseRecord } from '../store/records.js';
import type { StateStore } from '../store/state-store.js';
import { trackDeployment } from './deployment-run.js';
import { createLearningRedactor } from './secrets.js';
import type { SlotService } from './slot-service.js';

export interface DeployServiceDeps {
  config: ResolvedConfig;
  paths: BerthPaths;
  store: StateStore;
  slots: SlotService;
  gitHelpers: GitHelpers;
  nodePath: string;
  /** Environment every install and build step gets before the slot's env: the daemon's allow-list. */
  baseEnv: Record<string, string>;
  /** Convex backends per slot (a Convex app's deploy starts its slot's backend). */
  convex?: { enabled(slot: string): boolean; ensureRunning(slot: string): Promise<void>; env(slot: string): Record<string, string>; ensureAuthEnv(slot: string, siteUrl: string): Promise<string[]> };
  /** The daemon's environment (the coder CLI and its agent variables, for a token from Coder's external auth). */
  daemonEnv?: Record<string, string | undefined>;
  /** Env berth provides a slot's build (its database, so build-time migrations work). */
  providedEnv?(slot: string): Record<string, string>;
  logger: Logger;
  now?: () => number;
}

export function createDeployService(deps: DeployServiceDeps) {
  const { store, config, paths } = deps;
  const queue = createDeployQueue({ concurrency: config.deploy.concurrency });
  const activeLogs = new Map<string, DeployLog>();
  const tools = { nodePath: deps.nodePath, nodeVersion: process.version };
  const stepEnv = sharedCacheEnv(deps.baseEnv, paths.cacheDir);

  /** Closing the log also tells its followers that the deployment ended. */
  function finished(id: string): void {
    activeLogs.get(id)?.close();
    activeLogs.delete(id);
  }

  /**
   * Secrets never reach a deploy log, even if a build prints its env: the slot's secret env values and the git
   * tokens (as they are when the deployment is requested) are masked in every line.
   */
  const redactorFor = (slot: string) => createLearningRedactor([...deps.slots.secretValues(slot), store.getGitToken(slot)?.token, store.getGitToken('*')?.token]);

  /** No token of the slot's own: Coder's external auth may give one for this fetch (never stored). */
  async function tokenFromCoder(repo: string | null | undefined, log: DeployLog): Promise<{ username: null; token: string } | null> {
    if (!repo || !config.coder.externalAuth || !deps.daemonEnv) return null;
    const result = await coderGitToken({ repo, env: deps.daemonEnv, provider: config.coder.externalAuth, hosts: config.coder.externalAuthHosts });
    if (!result) return null;
    if ('skipped' in result) {
      log.append([`warning: ${result.skipped}`]);
      return null;
    }
    log.addSecret(result.token);
    log.append([`git token from Coder's external auth (${config.coder.externalAuth}) for this fetch; not stored`]);
    return { username: null, token: result.token };
  }

  /** Starts the slot's Convex backend; its admin key is masked in this deployment's log from then on. */
  async function prepareConvex(slot: string, log: DeployLog, auth: boolean): Promise<Record<string, string>> {
    await deps.convex!.ensureRunning(slot);
    const env = deps.convex!.env(slot);
    if (env.CONVEX_SELF_HOSTED_ADMIN_KEY) log.addSecret(env.CONVEX_SELF_HOSTED_ADMIN_KEY);
    if (auth) {
      const set = await deps.convex!.ensureAuthEnv(slot, deps.providedEnv?.(slot).PUBLIC_URL ?? '');
      log.append([set.length > 0 ? `Convex Auth: set ${set.join(', ')} in the backend` : 'Convex Auth: its keys and SITE_URL are already set in the backend']);
    }
    return env;
  }

  async function execute(record: DeploymentRecord, log: DeployLog, signal: AbortSignal): Promise<void> {
    store.markDeploymentRunning(record.id);
    store.addEvent(record.slot, 'deploy.started', `deployment ${record.id} started`, { deployment: record.id });
    const run = trackDeployment(store, record, log, deps.now);
    const slot = record.slot;
    const slotRecord = store.getSlot(slot)!;
    // Read again: a later push of a burst may have replaced the source while this deployment waited.
    const source = store.getDeployment(record.id)?.source ?? record.source!;
    try {
      const token = store.getGitToken(slot) ?? store.getGitToken('*') ?? (await tokenFromCoder(slotRecord.settings.repo, log));
      const built = await buildRelease({
        slot,
        source,
        settings: slotRecord.settings,
        env: { ...deps.providedEnv?.(slot), ...slotRecord.env },
        inheritedNames: config.inheritEnv,
        convex: deps.convex ? { prepare: (options) => prepareConvex(slot, log, options.auth) } : undefined,
        filesDir: path.join(paths.releasesDir(slot), record.id),
        keptReleases: store.listReleases(slot),
        tools,
        stepEnv,
        dependencyCacheDir: path.join(paths.cacheDir, 'deps'),
        gitCacheDir: paths.gitCacheDir(slot),
        gitHelpers: deps.gitHelpers,
        credentials: { token, sshKeyFile: fs.existsSync(paths.deployKey(slot)) ? paths.deployKey(slot) : null },
        timeouts: config.deploy.timeouts,
        minFreeMemoryMb: config.deploy.minFreeMemoryMb,
        signal,
        run,
        trackStep: {
          onSpawn: (pid, startTicks) => store.recordInstance({ pid, slot, releaseSeq: 0, port: null, startTicks, startedAt: (deps.now ?? Date.now)(), role: 'build' }),
          onExit: (pid) => store.forgetInstance(pid),
        },
      });
      const done = await deps.slots.activateBuilt(slot, run, built);
      store.addEvent(slot, 'deploy.succeeded', `deployment ${record.id} succeeded: release ${done.releaseSeq} is live`, { deployment: record.id, release: done.releaseSeq });
    } catch (error) {
      const failure = toBerthError(error);
      const shutdown = signal.reason === 'shutdown' || failure.code === 'ERR_SHUTTING_DOWN';
      const status = shutdown ? 'abandoned' : failure.code === 'ERR_DEPLOY_CANCELLED' ? 'cancelled' : 'failed';
      const reported = shutdown ? new BerthError('ERR_DEPLOY_ABANDONED', 'berth stopped while this deployment was under way; the slot kept its previous release.', { details: { slot } }) : failure;
      run.fail(reported, status);
      store.addEvent(slot, `deploy.${status}`, `deployment ${record.id} ${status}: ${reported.message.split('\n')[0]}`, { deployment: record.id, code: reported.code });
      deps.logger.warn({ slot, deployment: record.id, code: failure.code }, 'deployment did not succeed');
    } finally {
      finished(record.id);
      pruneDeployLogs(paths.deployLogsDir(slot), config.deploy.keepLogs);
    }
  }

  /**
   * A burst of pushes builds the newest commit once: while a deployment of the same trigger waits for its turn, a
   * newer request takes its place in it (the record and its log say so) instead of queueing another.
   */
  function coalesceInto(slot: string, source: DeploySource, trigger: DeploymentTrigger): DeploymentRecord | null {
    const waiting = queue.waiting(slot);
    const record = waiting ? store.getDeployment(waiting.id) : undefined;
    if (!record || record.trigger !== trigger || record.status !== 'queued' || !store.replaceQueuedSource(record.id, source)) return null;
    const what = source.type === 'git' && source.commit ? `commit ${source.commit.slice(0, 7)}` : 'a newer source';
    activeLogs.get(record.id)?.append([`a newer ${trigger} request replaced what this deployment will build: now ${what}`]);
    store.addEvent(slot, 'deploy.coalesced', `deployment ${record.id} (still waiting) will now build ${what}`, { deployment: record.id });
    return store.getDeployment(record.id)!;
  }

  return {
    /** Queues a deployment and returns its record at once (status queued or running); the work runs in the background. */
    request(slot: string, source: DeploySource, trigger: DeploymentTrigger, actor: string | null = null, options: { coalesce?: boolean } = {}): DeploymentRecord {
      // Also the unknown-slot check.
      const settings = deps.slots.settings(slot);
      if (source.type === 'git' && !settings.repo) {
        throw new BerthError('ERR_SLOT_NO_SOURCE', `Slot ${slot} has no repository to deploy from.`, { details: { slot } });
      }
      const coalesced = options.coalesce ? coalesceInto(slot, source, trigger) : null;
      if (coalesced) return coalesced;
      const record = store.startDeployment(slot, trigger, { status: 'queued', source, actor, logFile: (id) => path.join(paths.deployLogsDir(slot), `${id}.log`) });
      const what = source.type === 'path' ? `folder ${source.path}` : source.commit ? `commit ${source.commit.slice(0, 7)}` : `the tip of ${settings.branch ?? 'main'}`;
      store.addEvent(slot, 'deploy.queued', `deployment ${record.id} of ${what} queued (${trigger})`, { deployment: record.id }, actor);
      const log = createDeployLog(record.logFile!, redactorFor(slot), deps.now);
      activeLogs.set(record.id, log);
      log.append([`deployment ${record.id} of slot ${slot} (${trigger}) queued`]);
      queue.enqueue({
        id: record.id,
        slot,
        execute: (signal) => execute(record, log, signal),
        dropped: (why) => {
          const codes = { superseded: 'ERR_DEPLOY_SUPERSEDED', cancelled: 'ERR_DEPLOY_CANCELLED', shutdown: 'ERR_SHUTTING_DOWN' } as const;
          const messages = { superseded: 'A newer deploy request for this slot replaced this one before it started.', cancelled: 'Cancelled before it started.', shutdown: 'berth stopped before this deployment started.' };
          trackDeployment(store, record, log, deps.now).fail(new BerthError(codes[why], messages[why], { details: { slot } }), why === 'shutdown' ? 'abandoned' : why);
          finished(record.id);
        },
      });
      return store.getDeployment(record.id)!;
    },

    /** Cancels the slot's running deployment (killing its step's process tree) and any waiting one. */
    cancel(slot: string, actor: string | null = null): string[] {
      deps.slots.settings(slot);
      const cancelled = queue.cancel(slot);
      if (cancelled.length > 0) store.addEvent(slot, 'deploy.cancel', `cancel requested for deployment(s) ${cancelled.join(', ')}`, { deployments: cancelled }, actor);
      return cancelled;
    },

    get(id: string): DeploymentRecord {
      const record = store.getDeployment(id);
      if (!record) throw new BerthError('ERR_DEPLOYMENT_UNKNOWN', `There is no deployment "${id}".`, { details: { deployment: id } });
      return record;
    },

    /** Log lines after a cursor (a line number). */
    readLog(id: string, after = 0): DeployLogLine[] {
      const record = this.get(id);
      return record.logFile ? readDeployLog(record.logFile, after) : [];
    },
    follow(id: string, after: number, onLines: (lines: DeployLogLine[]) => void, onEnd: () => void): () => void {
      const record = this.get(id);
      const log = activeLogs.get(id);
      // Read and subscribe in one tick: log lines are written synchronously, so none falls between the two.
      const backlog = record.logFile ? readDeployLog(record.logFile, after) : [];
      if (backlog.length > 0) onLines(backlog);
      if (!log) {
        onEnd();
        return () => undefined;
      }
      let last = backlog.at(-1)?.n ?? after;
      return log.subscribe({
        onLines: (lines) => {
          const fresh = lines.filter((line) => line.n > last);
          if (fresh.length === 0) return;
          last = fresh.at(-1)!.n;
          onLines(fresh);
        },
        onEnd,
      });
    },

    /**
     * A rollback of a Convex app puts the rolled-back release's functions back in the backend (from that release's
     * files, with its own CLI) before traffic switches; a failure fails the rollback and the live release stays.
     */
    async redeployConvexFunctions(slot: string, release: ReleaseRecord, run: DeploymentRun): Promise<void> {
      if (!deps.convex?.enabled(slot) || !fs.existsSync(functionsFolder(path.join(release.filesDir, release.appDir)))) return;
      await deps.convex.ensureRunning(slot);
      const env = { ...stepEnv, ...deps.providedEnv?.(slot), ...release.env, ...deps.convex.env(slot) };
      await run.stage('functions', () =>
        deployFunctions({
          filesDir: release.filesDir,
          appDir: release.appDir,
          nodePath: deps.nodePath,
          nodeVersion: process.version,
          env,
          warn: (warnings) => run.warn(warnings),
          run: (command, cwd, stepEnv) => {
            run.say([`$ ${command.display} (release ${release.seq})`]);
            return runStep({ step: command, cwd, env: stepEnv, timeoutMs: config.deploy.timeouts.buildMs, signal: new AbortController().signal, onLines: (lines) => run.say(lines) });
          },
        }),
      );
    },

    close: () => queue.close(),
  };
}

/** Package caches shared by every slot's installs, and no prompts or update notices from the tools. */
function sharedCacheEnv(baseEnv: Record<string, string>, cacheDir: string): Record<string, string> {
  return {
    ...baseEnv,
    CI: 'true',
    npm_config_cache: path.join(cacheDir, 'npm'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_store_dir: path.join(cacheDir, 'pnpm-store'),
    YARN_CACHE_FOLDER: path.join(cacheDir, 'yarn'),
    COREPACK_HOME: path.join(cacheDir, 'corepack'),
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    // Without a pinned packageManager, use the pnpm/yarn version this corepack knows (and can verify), not "latest".
    COREPACK_DEFAULT_TO_LATEST: '0',
  };
}

/** Keeps the newest `keep` deployment logs of a slot. */
function pruneDeployLogs(dir: string, keep: number): void {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((name) => name.endsWith('.log'));
  } catch {
    return;
  }
  // Deployment ids start with a base-36 timestamp, so their names sort by age.
  for (const name of files.sort().slice(0, Math.max(0, files.length - keep))) fs.rmSync(path.join(dir, name), { force: true });
}

export type DeployService = ReturnType<typeof createDeployService>;
