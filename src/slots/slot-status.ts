// Builds the status view of one slot (what `berth status` shows) from its runtime and stored state.
import type { SlotStatus } from '../sdk/schemas.js';
import type { StateStore } from '../store/state-store.js';
import type { SlotRuntime } from './slot-runtime.js';

export function describeSlot(runtime: SlotRuntime, store: StateStore, url: string): SlotStatus {
  const live = runtime.live;
  const instance = live?.instance ?? null;
  const state = runtime.state();
  const record = store.getSlot(runtime.name);
  const release = live?.release ?? (record?.liveRelease ? store.getRelease(runtime.name, record.liveRelease) : undefined) ?? null;
  const running = instance !== null && instance.pid !== null;
  const usage = runtime.usage();
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
    memoryLimitMb: runtime.config.memoryLimitMb,
    restarts: instance?.restarts ?? 0,
    url,
    reason: state === 'crashed' ? runtime.failureReason() : null,
  };
}
