// The slot operations berth offers: switching in a built release, settings, start/stop/restart, env changes, rollback, status.
import type { ResolvedConfig } from '../config/schema.js';
import type { BuiltRelease } from '../deploy/build-release.js';
import { removeFolder } from '../deploy/release-files.js';
import { BerthError, toBerthError } from '../errors/berth-error.js';
import type { SlotLog } from '../logs/slot-log.js';
import { assertValidEnvName } from '../supervisor/app-env.js';
import type { DeploymentRecord, DeploymentTrigger, ReleaseRecord, SlotSettings } from '../store/records.js';
import type { StateStore } from '../store/state-store.js';
import { beginDeployment, type DeploymentRun } from './deployment-run.js';
import { pruneReleases } from './release-retention.js';
import type { SlotRuntime } from './slot-runtime.js';
import type { SlotStatus } from '../sdk/schemas.js';
import { describeSlot } from './slot-status.js';
import { applySettingsPatch, type SlotSettingsPatch } from './slot-settings.js';
import { secretValues } from './secrets.js';

type DeploymentWork = (run: DeploymentRun, slot: SlotRuntime) => Promise<void>;

export interface SlotServiceDeps {
  config: ResolvedConfig;
  store: StateStore;
  runtimes: Map<string, SlotRuntime>;
  logs: Map<string, SlotLog>;
  slotUrl(slot: string): string;
  /** Checks a slot's next settings against the others (a Coder slug must be unique); throws if they cannot be. */
  checkSettings?(slot: string, next: SlotSettings): void;
  /** Work a rollback does before it switches (a Convex app's functions of the rolled-back release go back first). */
  beforeRollback?(slot: string, release: ReleaseRecord, run: DeploymentRun): Promise<void>;
  /** Secrets berth provides a slot besides its env (its database password and URL). */
  providedSecrets?(slot: string): string[];
}

export function createSlotService(deps: SlotServiceDeps) {
  const { store, config } = deps;

  function runtime(name: string): SlotRuntime {
    const found = deps.runtimes.get(name);
    if (!found) {
      throw new BerthError('ERR_SLOT_UNKNOWN', `There is no slot "${name}"; the slots are ${[...deps.runtimes.keys()].join(', ')}.`, { details: { slot: name } });
    }
    return found;
  }

  function liveRelease(name: string): ReleaseRecord {
    const seq = store.getSlot(name)?.liveRelease;
    const release = seq ? store.getRelease(name, seq) : undefined;
    if (!release) throw new BerthError('ERR_SLOT_EMPTY', `Slot ${name} has no release yet.`, { details: { slot: name } });
    return release;
  }

  function sysLog(name: string, release: number, text: string): void {
    deps.logs.get(name)?.append(release, 'sys', [text]);
  }

  /**
   * Runs one operation under the slot's lock. `plan` decides what to do from the state as it is when the operation's
   * turn comes (not when it was asked for), so an operation queued behind a deploy acts on the new release. It returns
   * the work to record as a deployment, or null when there is nothing to deploy.
   */
  function locked(name: string, trigger: DeploymentTrigger | DeploymentRun, plan: () => DeploymentWork | null, actor: string | null = null): Promise<DeploymentRecord | null> {
    const slot = runtime(name);
    return slot.exclusive(async () => {
      const work = plan();
      if (!work) return null;
      const run = typeof trigger === 'string' ? beginDeployment(store, name, trigger, actor) : trigger;
      try {
        await work(run, slot);
        pruneReleases(store, name, config.releases.keep);
        return run.succeed();
      } catch (error) {
        const failure = toBerthError(error);
        // A deployment that came with its own run (a build) is finished by its owner, which knows about cancels.
        if (typeof trigger === 'string') run.fail(failure);
        sysLog(name, 0, `deployment ${run.id} failed: ${failure.message.split('\n')[0]}`);
        throw new BerthError(failure.code, failure.message, { remedy: failure.remedy, details: { ...failure.details, deployment: run.id }, cause: failure });
      }
    });
  }

  /**
   * Rolling back code does not roll back the database: when a newer release (built from other files) ran a release
   * command, the owner is told, in the events and the slot's log.
   */
  function warnIfMigratedSince(name: string, target: ReleaseRecord, releases: ReleaseRecord[], actor: string | null): void {
    const migrated = releases.filter((release) => release.seq > target.seq && release.filesDir !== target.filesDir && release.settings?.releaseCommand);
    if (migrated.length === 0) return;
    const newest = migrated[0];
    const message = `rolling back to release ${target.seq}, older than release ${newest.seq} whose release command (\`${newest.settings!.releaseCommand}\`) may have changed the database; the database is not rolled back (restore a snapshot if the old code needs the old schema)`;
    store.addEvent(name, 'rollback.warning', message, { release: target.seq, migratedBy: newest.seq }, actor);
    sysLog(name, target.seq, `warning: ${message}`);
  }

  /** An operation that always deploys something. */
  const deploy = (name: string, trigger: DeploymentTrigger, plan: () => DeploymentWork, actor: string | null = null) => locked(name, trigger, plan, actor) as Promise<DeploymentRecord>;

  /** Records a release and activates it; a release that fails to start is removed again. */
  async function releaseAndActivate(run: DeploymentRun, slot: SlotRuntime, release: Omit<ReleaseRecord, 'seq' | 'createdAt'>): Promise<void> {
    const recorded = store.addRelease(release);
    run.setRelease(recorded.seq);
    try {
      await slot.activate(recorded, run);
    } catch (error) {
      store.deleteReleases(slot.name, [recorded.seq]);
      throw error;
    }
  }

  return {
    slotNames(): string[] {
      return [...deps.runtimes.keys()];
    },
    status(name?: string): SlotStatus[] {
      const names = name ? [runtime(name).name] : [...deps.runtimes.keys()];
      return names.map((slotName) => describeSlot(runtime(slotName), store, deps.slotUrl(slotName)));
    },

    /** Switches a built release in under the slot's lock, with the slot's env as it is when the turn comes. */
    activateBuilt(name: string, run: DeploymentRun, built: BuiltRelease): Promise<DeploymentRecord> {
      return locked(name, run, () => async (current, slot) => {
        const env = store.getSlot(name)?.env ?? {};
        const commit = built.commit ? ` ${built.commit.sha.slice(0, 7)} “${built.commit.subject}”` : '';
        sysLog(name, 0, `deployment ${run.id}: starting ${built.command?.display ?? 'static site'}${commit}`);
        try {
          await releaseAndActivate(current, slot, { ...built, slot: name, env, note: built.commit ? `deploy of ${built.commit.sha.slice(0, 7)} ${built.commit.subject}` : `deploy of ${built.source}` });
        } catch (error) {
          // A release that never went live leaves no files behind, unless an older release shares them.
          if (!store.listReleases(name).some((release) => release.filesDir === built.filesDir)) removeFolder(built.filesDir);
          throw error;
        }
      }) as Promise<DeploymentRecord>;
    },

    settings(name: string): SlotSettings {
      runtime(name);
      return store.getSlot(name)!.settings;
    },
    /** Changes how the slot gets its app (repository, branch, overrides); takes effect at the next deploy. */
    updateSettings(name: string, patch: SlotSettingsPatch, actor: string | null = null): Promise<SlotSettings> {
      const slot = runtime(name);
      return slot.exclusive(async () => {
        const next = applySettingsPatch(store.getSlot(name)!.settings, patch);
        deps.checkSettings?.(name, next);
        store.setSlotSettings(name, next);
        store.addEvent(name, 'slot.settings', `settings of slot ${name} changed: ${Object.keys(patch).join(', ')}`, { fields: Object.keys(patch) }, actor);
        return next;
      });
    },
    /** Empties the slot: stops its app, removes its releases, env, secrets and settings. History and events stay. */
    clear(name: string, actor: string | null = null): Promise<void> {
      const slot = runtime(name);
      return slot.exclusive(async () => {
        const folders = new Set(store.listReleases(name).map((release) => release.filesDir));
        await slot.clear();
        store.clearSlot(name);
        for (const folder of folders) removeFolder(folder);
        store.addEvent(name, 'slot.cleared', `slot ${name} was cleared: app stopped, ${folders.size} release folder(s), env and settings removed`, undefined, actor);
      });
    },

    start(name: string, actor: string | null = null): Promise<DeploymentRecord> {
      return deploy(name, 'start', () => {
        const release = liveRelease(name);
        return (run, slot) => {
          // The owner wants it running from now on, even if this start fails (status then says why).
          store.setDesiredState(name, 'running');
          return slot.activate(release, run);
        };
      }, actor);
    },
    restart(name: string, trigger: DeploymentTrigger = 'restart', actor: string | null = null): Promise<DeploymentRecord> {
      return deploy(name, trigger, () => {
        const release = liveRelease(name);
        return (run, slot) => slot.activate(release, run);
      }, actor);
    },
    /** A zero-downtime restart of an app that used more memory than its slot allows, recorded as an event. */
    restartForMemory(name: string, usedMb: number, limitMb: number): Promise<DeploymentRecord> {
      return deploy(name, 'memory', () => {
        const release = liveRelease(name);
        store.addEvent(name, 'app.memory-limit', `release ${release.seq} used ${usedMb} MiB, above the limit of ${limitMb} MiB; restarting it`, { usedMb, limitMb, release: release.seq });
        sysLog(name, release.seq, `memory limit: ${usedMb} MiB used, limit ${limitMb} MiB; restarting`);
        return (run, slot) => slot.activate(release, run);
      });
    },
    stop(name: string, actor: string | null = null): Promise<void> {
      const slot = runtime(name);
      return slot.exclusive(() => {
        liveRelease(name);
        return slot.stop(actor);
      });
    },

    /** The slot's app log (for reading and following). */
    log(name: string): SlotLog {
      return deps.logs.get(runtime(name).name)!;
    },
    env(name: string): Record<string, string> {
      runtime(name);
      return store.getSlot(name)?.env ?? {};
    },
    /** Keys the owner marked secret (keys that look secret are secret anyway; see secrets.ts). */
    markedSecretKeys(name: string): string[] {
      runtime(name);
      return store.getSlot(name)?.secretKeys ?? [];
    },
    /** The values to mask in the slot's logs: its secret env values. */
    secretValues(name: string): string[] {
      const record = store.getSlot(runtime(name).name)!;
      return [...secretValues(record.env, record.secretKeys), ...(deps.providedSecrets?.(name) ?? [])];
    },
    /**
     * Changes the slot's env; with a release live, the change rolls out as a new release (zero downtime). The new env
     * is computed under the slot's lock, from the env as it is then, so concurrent changes never overwrite each other.
     */
    setEnv(name: string, changes: EnvChanges, actor: string | null = null): Promise<DeploymentRecord | null> {
      runtime(name);
      for (const key of [...Object.keys(changes.set ?? {}), ...(changes.unset ?? []), ...(changes.secret ?? []), ...(changes.plain ?? [])]) assertValidEnvName(key);
      return locked(name, 'env', () => {
        const current = store.getSlot(name)!;
        const env = { ...current.env, ...changes.set };
        for (const key of changes.unset ?? []) delete env[key];
        const marked = current.secretKeys.filter((key) => key in env && !(changes.plain ?? []).includes(key));
        store.setSecretKeys(name, [...marked, ...(changes.secret ?? [])]);
        const description = describeEnvChange(changes);
        store.addEvent(name, 'env.changed', `env of slot ${name}: ${description}`, { set: Object.keys(changes.set ?? {}), unset: changes.unset ?? [] }, actor);
        const valuesChanged = Object.keys(changes.set ?? {}).some((key) => current.env[key] !== env[key]) || (changes.unset ?? []).some((key) => key in current.env);
        const base = current.liveRelease ? store.getRelease(name, current.liveRelease) : undefined;
        if (!base || !valuesChanged) {
          store.setSlotEnv(name, env);
          return null;
        }
        const release = { ...base, env, note: `env: ${description}` };
        return async (run, slot) => {
          if (current.desiredState !== 'stopped') return releaseAndActivate(run, slot, release);
          // Nothing runs: record the release so the next start uses the new env.
          const recorded = store.addRelease(release);
          run.setRelease(recorded.seq);
          store.setLiveRelease(name, recorded.seq, env);
          store.setDesiredState(name, 'stopped');
        };
      }, actor);
    },

    releases(name: string): { live: number | null; releases: ReleaseRecord[] } {
      runtime(name);
      return { live: store.getSlot(name)?.liveRelease ?? null, releases: store.listReleases(name) };
    },
    /** Switches back to a kept release (by default the one before the live one), with the env it had. */
    rollback(name: string, seq?: number, actor: string | null = null): Promise<DeploymentRecord> {
      return deploy(name, 'rollback', () => {
        const live = liveRelease(name);
        const releases = store.listReleases(name);
        const target = seq === undefined ? releases.find((release) => release.seq < live.seq) : releases.find((release) => release.seq === seq);
        if (!target) {
          const kept = releases.map((release) => release.seq).join(', ') || 'none';
          throw new BerthError('ERR_RELEASE_UNKNOWN', seq === undefined ? `Slot ${name} has no release older than the live one (${live.seq}) to roll back to.` : `Slot ${name} has no kept release ${seq}; kept releases: ${kept}.`, {
            details: { slot: name, release: seq ?? null, kept: releases.map((release) => release.seq) },
          });
        }
        warnIfMigratedSince(name, target, releases, actor);
        return async (run, slot) => {
          run.setRelease(target.seq);
          await deps.beforeRollback?.(name, target, run);
          return slot.activate(target, run);
        };
      }, actor);
    },
    deployments(name: string, limit = 20): DeploymentRecord[] {
      runtime(name);
      return store.listDeployments(name, limit);
    },
  };
}

export interface EnvChanges {
  set?: Record<string, string>;
  unset?: readonly string[];
  /** Keys to mark secret, and keys to unmark (keys that look secret stay secret). */
  secret?: readonly string[];
  plain?: readonly string[];
}

function describeEnvChange(changes: EnvChanges): string {
  const parts = [
    ...Object.keys(changes.set ?? {}).map((key) => `set ${key}`),
    ...(changes.unset ?? []).map((key) => `unset ${key}`),
    ...(changes.secret ?? []).map((key) => `mark ${key} secret`),
    ...(changes.plain ?? []).map((key) => `unmark ${key}`),
  ];
  return parts.join(', ') || 'no change';
}

export type SlotService = ReturnType<typeof createSlotService>;
