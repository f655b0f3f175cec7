// Refuses to start an install or build when the machine (or the container's cgroup) has too little free memory:
// an out-of-memory build can take the whole workspace down with it.
import fs from 'node:fs';
import { BerthError } from '../errors/berth-error.js';

/** Free memory in MiB: the kernel's MemAvailable, capped by the cgroup v2 limit when berth runs in a container. */
export function availableMemoryMb(): number | null {
  let available: number | null = null;
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (match) available = Number(match[1]) / 1024;
  } catch {
    // Not Linux: no reading, no refusal.
  }
  try {
    const max = fs.readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    if (max !== 'max') {
      const current = Number(fs.readFileSync('/sys/fs/cgroup/memory.current', 'utf8').trim());
      const inGroup = (Number(max) - current) / (1024 * 1024);
      available = available === null ? inGroup : Math.min(available, inGroup);
    }
  } catch {
    // No cgroup v2 limit visible.
  }
  return available === null ? null : Math.floor(available);
}

export function assertEnoughMemory(minFreeMb: number, slot: string, step: string): void {
  const free = availableMemoryMb();
  if (free === null || free >= minFreeMb) return;
  throw new BerthError('ERR_DEPLOY_LOW_MEMORY', `Only ${free} MiB of memory is free, below the ${minFreeMb} MiB berth needs to ${step} slot ${slot} safely; the deployment was not started.`, {
    details: { slot, freeMb: free, minFreeMb },
  });
}
