// The slots as live views see them: recomputed on every store change (debounced) and every second, sent to
// listeners only when something they show changed. A change of a slot's state is also recorded as an event.
import type { SlotStatus } from '../sdk/schemas.js';
import type { SlotService } from '../slots/slot-service.js';
import type { StateStore } from '../store/state-store.js';

const TICK_MS = 1000;
const DEBOUNCE_MS = 30;

export function createLiveHub(deps: { service: SlotService; store: StateStore }) {
  const listeners = new Set<(slots: SlotStatus[]) => void>();
  let current: SlotStatus[] = deps.service.status();
  let fingerprint = fingerprintOf(current);
  const states = new Map(current.map((slot) => [slot.slot, slot.state]));
  let pending: NodeJS.Timeout | null = null;

  function refresh(): void {
    pending = null;
    const next = deps.service.status();
    for (const slot of next) {
      const before = states.get(slot.slot);
      states.set(slot.slot, slot.state);
      if (before !== undefined && before !== slot.state) deps.store.addEvent(slot.slot, 'slot.state', `slot ${slot.slot} is ${slot.state} (was ${before})`, { from: before, to: slot.state });
    }
    const nextFingerprint = fingerprintOf(next);
    current = next;
    if (nextFingerprint === fingerprint) return;
    fingerprint = nextFingerprint;
    for (const listener of listeners) listener(current);
  }
  const soon = () => {
    pending ??= setTimeout(refresh, DEBOUNCE_MS);
  };
  const unsubscribe = deps.store.onChange((change) => {
    // Its own slot.state events need no new round.
    if (change.kind === 'event' && change.event.type === 'slot.state') return;
    soon();
  });
  const timer = setInterval(refresh, TICK_MS);
  timer.unref();

  return {
    slots: () => current,
    onSlots(listener: (slots: SlotStatus[]) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
      unsubscribe();
      listeners.clear();
    },
  };
}

/** Uptime moves every second; clients count it forward themselves, so it alone is not a change. */
function fingerprintOf(slots: SlotStatus[]): string {
  return JSON.stringify(slots.map(({ uptimeMs, ...rest }) => ({ ...rest, up: uptimeMs !== null })));
}

export type LiveHub = ReturnType<typeof createLiveHub>;
