// Builds the status view of one slot (what `berth status` and the UI's cards show) from its runtime and stored state.
import type { SlotStatus } from '../sdk/schemas.js';
import type { DeploymentRecord } from '../store/records.js';
import type { StateStore } from '../store/state-store.js';
import type { SlotRuntime } from './slot-runtime.js';

const UNFINISHED = new Set(['queued', 'running']);

export function describeSlot(runtime: SlotRuntime, store: StateStore, url: string): SlotStatus {
  const live = runtime.live;
  const instance = live?.instance ?? null;
  const state = runtime.state();
  const record = store.getSlot(runtime.name);
  const release = live?.release ?? (record?.liveRelease ? store.getRelease(runtime.name, record.liveRelease) : undefined) ?? null;
  const running = instance !== null && instance.pid !== null;
  const usage = runtime.usage();
  const recent = store.listDeployments(runtime.name, 10);
  const last = recent[0] ?? null;
  const releasedBy = release ? (recent.find((deployment) => deployment.releaseSeq === release.seq && deployment.status === 'succeeded') ?? null) : null;
  return {
    slot: runtime.name,
    state,
    release: release?.seq ?? null,
    kind: release?.kind ?? null,
    command: release?.command?.display ?? (release?.kind === 'static' ? 'static files' : null),
    pid: running ? instance.pid : null,
    port: instance?.port ?? null,
    publicPort: runtime.config.port,
    uptimeMs: running ? Date.now() - instance.startedAt : null,
    cpuPercent: running ? Math.round(usage.cpuPercent * 10) / 10 : 0,
    memoryBytes: running ? usage.memoryBytes : 0,
    memoryLimitMb: runtime.memoryLimitMb(),
    restarts: instance?.restarts ?? 0,
    url,
    reason: state === 'crashed' ? runtime.failureReason() : null,
    summary: summarise(state, last),
    repo: record?.settings.repo ?? null,
    branch: record?.settings.repo ? (record.settings.branch ?? 'main') : null,
    commit: release?.commit ?? null,
    releasedAt: release?.createdAt ?? null,
    releasedBy: releasedBy ? brief(releasedBy) : null,
    lastDeployment: last ? brief(last) : null,
    history: runtime.history(),
  };
}

/** The one word a card shows: a deployment under way wins, then the app's state; 'failed'
 * only when a deployment failed and nothing serves. */
function summarise(state: ReturnType<SlotRuntime['state']>, last: DeploymentRecord | null): SlotStatus['summary'] {
  if (last && UNFINISHED.has(last.status)) return 'deploying';
  if (state === 'empty') return last?.status === 'failed' ? 'failed' : 'empty';
  if (state === 'crashed') return 'crashed';
  if (state === 'stopped') return 'stopped';
  // A failed deploy over a live release leaves the old release serving: the card says live and shows the failure.
  return state === 'running' ? 'live' : 'starting';
}

function brief(deployment: DeploymentRecord) {
  return {
    id: deployment.id,
    status: deployment.status,
    trigger: deployment.trigger,
    actor: deployment.actor,
    stage: UNFINISHED.has(deployment.status) ? (deployment.stages.at(-1)?.name ?? deployment.status) : null,
    createdAt: deployment.createdAt,
    finishedAt: deployment.finishedAt,
    error: deployment.error?.message.split('\n')[0] ?? null,
  };
}
