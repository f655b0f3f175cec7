// Keeps the newest N releases of a slot (and always the live one); removes the rest and folders nothing uses.
import { removeFolder } from '../deploy/release-files.js';
import type { StateStore } from '../store/state-store.js';

export function pruneReleases(store: StateStore, slot: string, keep: number): number[] {
  const live = store.getSlot(slot)?.liveRelease ?? null;
  const releases = store.listReleases(slot);
  const kept = releases.slice(0, keep);
  const liveRelease = releases.find((release) => release.seq === live);
  if (liveRelease && !kept.includes(liveRelease)) kept.push(liveRelease);
  const dropped = releases.filter((release) => !kept.includes(release));
  if (dropped.length === 0) return [];
  store.deleteReleases(
    slot,
    dropped.map((release) => release.seq),
  );
  // Env-only releases share their files folder with an older release: remove a folder only when no kept release uses it.
  const inUse = new Set(kept.map((release) => release.filesDir));
  for (const folder of new Set(dropped.map((release) => release.filesDir))) if (!inUse.has(folder)) removeFolder(folder);
  return dropped.map((release) => release.seq);
}
