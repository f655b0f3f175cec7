// Records a deployment as it runs: each stage with its timing and note, the commit, then the result, in the state
// database; stage lines also go to the deployment's log when it has one.
import { toBerthError } from '../errors/berth-error.js';
import type { DeployLog } from '../deploy/deploy-log.js';
import { formatDuration } from '../supervisor/restart-policy.js';
import type { CommitInfo, DeploymentRecord, DeploymentStage, DeploymentStatus, DeploymentTrigger } from '../store/records.js';
import type { StateStore } from '../store/state-store.js';

export function beginDeployment(store: StateStore, slot: string, trigger: DeploymentTrigger, actor: string | null = null, now: () => number = Date.now) {
  return trackDeployment(store, store.startDeployment(slot, trigger, { actor }), null, now);
}

/** Follows an already recorded deployment (a queued one whose turn has come). */
export function trackDeployment(store: StateStore, record: DeploymentRecord, log: DeployLog | null, now: () => number = Date.now) {
  const stages: DeploymentStage[] = [];
  const say = (text: string) => log?.append([text]);
  const finish = (status: DeploymentStatus, error: unknown) => {
    const berthError = error === null ? null : toBerthError(error);
    store.finishDeployment(record.id, status, berthError ? { code: berthError.code, message: berthError.message, remedy: berthError.remedy } : null);
    if (berthError) say(`✗ ${status}: ${berthError.message}`);
    log?.close();
    return store.getDeployment(record.id)!;
  };
  return {
    id: record.id,
    slot: record.slot,
    /** Writes lines to the deployment's log (build output, decisions, warnings). */
    say(lines: string[]): void {
      log?.append(lines);
    },
    /** A warning: in the log, and kept on the deployment for the slot page. */
    warn(warnings: string[]): void {
      if (warnings.length === 0) return;
      log?.append(warnings.map((warning) => `warning: ${warning}`));
      const kept = [...(store.getDeployment(record.id)?.warnings ?? []), ...warnings];
      store.updateDeployment(record.id, { warnings: kept });
    },
    async stage<T>(name: string, work: () => Promise<T> | T): Promise<T> {
      const stage: DeploymentStage = { name, startedAt: now() };
      stages.push(stage);
      store.updateDeployment(record.id, { stages });
      say(`▸ ${name}`);
      try {
        const result = await work();
        stage.ok = true;
        return result;
      } catch (error) {
        stage.ok = false;
        throw error;
      } finally {
        stage.finishedAt = now();
        store.updateDeployment(record.id, { stages });
        say(`${stage.ok ? '✓' : '✗'} ${name} ${formatDuration(stage.finishedAt - stage.startedAt)}${stage.note ? ` (${stage.note})` : ''}`);
      }
    },
    /** A short note on the stage now running ("skipped: same commit"). */
    noteStage(note: string): void {
      const current = stages.at(-1);
      if (current) {
        current.note = note;
        store.updateDeployment(record.id, { stages });
      }
    },
    setRelease(seq: number): void {
      store.updateDeployment(record.id, { releaseSeq: seq });
    },
    setCommit(commit: CommitInfo): void {
      store.updateDeployment(record.id, { commit });
    },
    succeed(): DeploymentRecord {
      say('✓ succeeded');
      return finish('succeeded', null);
    },
    fail(error: unknown, status: 'failed' | 'cancelled' | 'superseded' | 'abandoned' = 'failed'): DeploymentRecord {
      return finish(status, error);
    },
  };
}

export type DeploymentRun = ReturnType<typeof trackDeployment>;
