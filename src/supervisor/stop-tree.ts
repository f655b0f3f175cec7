// Stops a whole app process tree: SIGTERM to its group and strays, then SIGKILL after the grace period.
import { findAppProcesses, isAlive } from './proc.js';

export interface StopTreeOptions {
  /** The app's root pid; it leads its own process group. */
  pid: number;
  graceMs: number;
  /** How long to wait for SIGKILL to take effect before giving up. */
  killWaitMs?: number;
}

export interface StopTreeResult {
  /** True when some process ignored SIGTERM and had to be killed. */
  killed: boolean;
  /** Pids still alive after SIGKILL (should be empty; non-empty means an unkillable process). */
  survivors: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function stopProcessTree(options: StopTreeOptions): Promise<StopTreeResult> {
  // Snapshot the tree first: once the root exits, its children are re-parented and only the group still names them.
  const known = new Set(findAppProcesses(options.pid).map((stat) => stat.pid));
  known.add(options.pid);
  signalAll(options.pid, known, 'SIGTERM');
  if (await waitUntilGone(options.pid, known, options.graceMs)) return { killed: false, survivors: [] };
  signalAll(options.pid, known, 'SIGKILL');
  await waitUntilGone(options.pid, known, options.killWaitMs ?? 2000);
  return { killed: true, survivors: livingMembers(options.pid, known) };
}

function signalAll(pgid: number, known: Set<number>, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group may already be empty; strays are signalled below.
  }
  for (const pid of livingMembers(pgid, known)) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone between the scan and the signal.
    }
  }
}

function livingMembers(pgid: number, known: Set<number>): number[] {
  const current = new Set(findAppProcesses(pgid).map((stat) => stat.pid));
  for (const pid of known) if (isAlive(pid)) current.add(pid);
  return [...current];
}

async function waitUntilGone(pgid: number, known: Set<number>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = livingMembers(pgid, known);
    for (const pid of alive) known.add(pid);
    if (alive.length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
}
