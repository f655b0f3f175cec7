// Records a deployment as it runs: each stage with its timing, then the result, in the state database.
import { toBerthError } from '../errors/berth-error.js';
import type { DeploymentRecord, DeploymentStage, DeploymentTrigger } from '../store/records.js';
import type { StateStore } from '../store/state-store.js';

export function beginDeployment(store: StateStore, slot: string, trigger: DeploymentTrigger, now: () => number = Date.now) {
  const record = store.startDeployment(slot, trigger);
  const stages: DeploymentStage[] = [];
  return {
    id: record.id,
    async stage<T>(name: string, work: () => Promise<T> | T): Promise<T> {
      const stage: DeploymentStage = { name, startedAt: now() };
      stages.push(stage);
      store.updateDeployment(record.id, { stages });
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
      }
    },
    setRelease(seq: number): void {
      store.updateDeployment(record.id, { releaseSeq: seq });
    },
    succeed(): DeploymentRecord {
      store.finishDeployment(record.id, 'succeeded');
      return store.getDeployment(record.id)!;
    },
    fail(error: unknown): DeploymentRecord {
      const berthError = toBerthError(error);
      store.finishDeployment(record.id, 'failed', { code: berthError.code, message: berthError.message, remedy: berthError.remedy });
      return store.getDeployment(record.id)!;
    },
  };
}

export type DeploymentRun = ReturnType<typeof beginDeployment>;
