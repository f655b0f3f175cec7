// Stops a whole app process tree: SIGTERM to its group and strays, then SIGKILL after the grace period.
// Processes are known by pid *and* start time, so a pid the kernel has recycled for an unrelated process is never
// signalled (on a busy machine a short-lived build step's pid can be reused within milliseconds).
import { listProcesses, readProcStat, type ProcStat } from './proc.js';

export interface StopTreeOptions {
  /** The app's root pid; it leads its own process group. */
  pid: number;
  graceMs: number;
  /** The polite signal (SIGTERM unless told; Convex's backend wants SIGINT). */
  signal?: NodeJS.Signals;
  /**
   * The root has already exited and been reaped: only what it left in its group (and their children) is stopped.
   * Its pid may already belong to another process, so neither that pid nor a group led by it is touched unless
   * members of the old group remain (which keeps the kernel from reusing the pid).
   */
  rootExited?: boolean;
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

/** pid → start time of each process of the tree. */
type Known = Map<number, number>;

export async function stopProcessTree(options: StopTreeOptions): Promise<StopTreeResult> {
  // The root is itself only if it was alive (not recycled) when we began.
  const root = options.rootExited ? null : readProcStat(options.pid);
  const rootTicks = root && root.state !== 'Z' ? root.startTicks : null;
  const known: Known = new Map();
  // Snapshot the tree first: once the root exits, its children are re-parented and only the group still names them.
  learnMembers(options.pid, rootTicks, known);
  if (known.size === 0) return { killed: false, survivors: [] };
  const scan = () => learnMembers(options.pid, rootTicks, known);
  signalAll(options.pid, scan, known, options.signal ?? 'SIGTERM');
  if (await waitUntilGone(scan, known, options.graceMs)) return { killed: false, survivors: [] };
  signalAll(options.pid, scan, known, 'SIGKILL');
  await waitUntilGone(scan, known, options.killWaitMs ?? 2000);
  return { killed: true, survivors: livingMembers(scan, known) };
}

/**
 * Adds the tree's processes to `known`: the root (only with its original start time), the other members of its
 * process group (a member keeps the group id, and so the root's pid, from being reused), and children of either.
 */
function learnMembers(rootPid: number, rootTicks: number | null, known: Known): void {
  const processes = listProcesses();
  const inTree = (stat: ProcStat) =>
    (stat.pid === rootPid && stat.startTicks === rootTicks) || (stat.pgrp === rootPid && stat.pid !== rootPid) || known.get(stat.pid) === stat.startTicks;
  const parents = new Set<number>();
  for (const stat of processes) {
    if (!inTree(stat)) continue;
    known.set(stat.pid, stat.startTicks);
    parents.add(stat.pid);
  }
  // Children that started their own session are found through their parents, while those live.
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of processes) {
      if (!parents.has(stat.pid) && parents.has(stat.ppid)) {
        known.set(stat.pid, stat.startTicks);
        parents.add(stat.pid);
        grew = true;
      }
    }
  }
}

function signalAll(pgid: number, scan: () => void, known: Known, signal: NodeJS.Signals): void {
  const alive = livingMembers(scan, known);
  // The group is signalled as a whole only while one of its own members still holds the group id reserved.
  if (alive.some((pid) => readProcStat(pid)?.pgrp === pgid)) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // The group emptied meanwhile; members are signalled one by one below.
    }
  }
  for (const pid of alive) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone between the scan and the signal.
    }
  }
}

/** Known processes still alive as themselves (same start time), after learning members that appeared since. */
function livingMembers(scan: () => void, known: Known): number[] {
  scan();
  const alive: number[] = [];
  for (const [pid, startTicks] of known) {
    const stat = readProcStat(pid);
    if (stat && stat.state !== 'Z' && stat.startTicks === startTicks) alive.push(pid);
  }
  return alive;
}

async function waitUntilGone(scan: () => void, known: Known, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (livingMembers(scan, known).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
}
