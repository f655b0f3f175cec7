// After a daemon restart: abandon deployments it left running, stop app processes it left behind, restart live slots.
import type { Logger } from '../log/logger.js';
import type { SlotService } from '../slots/slot-service.js';
import type { StateStore } from '../store/state-store.js';
import { readProcStat } from '../supervisor/proc.js';
import { stopProcessTree } from '../supervisor/stop-tree.js';

/**
 * Apps left by a dead daemon are stopped, not re-adopted: their stdout/stderr pipes ended with the old daemon, so
 * their logs could no longer be captured, and their fronts died with it anyway. A fresh start gives one clean
 * instance per slot with full supervision.
 */
export async function stopLeftoverApps(store: StateStore, graceMs: number, logger: Logger): Promise<number> {
  let stopped = 0;
  for (const instance of store.listInstances()) {
    const stat = readProcStat(instance.pid);
    // The pid must still name the same process (same start time), or it was reused by something else.
    if (stat && stat.startTicks === instance.startTicks && stat.state !== 'Z') {
      await stopProcessTree({ pid: instance.pid, graceMs });
      store.addEvent(instance.slot, 'recover.stopped-leftover', `stopped pid ${instance.pid} (release ${instance.releaseSeq}) left by the previous daemon`);
      logger.info({ slot: instance.slot, pid: instance.pid }, 'stopped a leftover app process');
      stopped++;
    }
    store.forgetInstance(instance.pid);
  }
  return stopped;
}

export async function restartLiveSlots(service: SlotService, store: StateStore, logger: Logger): Promise<void> {
  await Promise.all(
    service.slotNames().map(async (name) => {
      const slot = store.getSlot(name);
      if (!slot?.liveRelease || slot.desiredState !== 'running') return;
      try {
        await service.restart(name, 'recover');
      } catch (error) {
        logger.warn({ slot: name, err: error }, 'a live slot did not come back after the daemon started');
      }
    }),
  );
}
