// Reads Linux /proc: process stats, whole process trees, and their CPU and memory use.
import fs from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  /** user + system CPU time in clock ticks. */
  cpuTicks: number;
  /** Start time since boot in clock ticks: with the pid, it identifies one process for sure. */
  startTicks: number;
  rssBytes: number;
}

const PAGE_SIZE = 4096;
export const CLOCK_TICKS_PER_SECOND = 100;

export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name is in parentheses and may itself hold spaces or parentheses: split after the last one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0],
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    startTicks: Number(fields[19]),
    rssBytes: Number(fields[21]) * PAGE_SIZE,
  };
}

/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z';
}

export function listProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.state !== 'Z') stats.push(stat);
  }
  return stats;
}

/**
 * Every live process of an app: the members of its process group plus all their descendants,
 * so a child that started its own session is still found while its parent lives.
 */
export function findAppProcesses(rootPid: number, processes: ProcStat[] = listProcesses()): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const stat of processes) {
    const siblings = byParent.get(stat.ppid) ?? [];
    siblings.push(stat);
    byParent.set(stat.ppid, siblings);
  }
  const found = new Map<number, ProcStat>();
  const queue = processes.filter((stat) => stat.pid === rootPid || stat.pgrp === rootPid);
  while (queue.length > 0) {
    const stat = queue.pop()!;
    if (found.has(stat.pid)) continue;
    found.set(stat.pid, stat);
    queue.push(...(byParent.get(stat.pid) ?? []));
  }
  return [...found.values()];
}

export interface TreeUsage {
  pids: number[];
  rssBytes: number;
  cpuTicks: number;
}

export function measureTree(rootPid: number, processes?: ProcStat[]): TreeUsage {
  const members = findAppProcesses(rootPid, processes);
  return {
    pids: members.map((stat) => stat.pid),
    rssBytes: members.reduce((sum, stat) => sum + stat.rssBytes, 0),
    cpuTicks: members.reduce((sum, stat) => sum + stat.cpuTicks, 0),
  };
}

/** The short command line of a process, for messages ("node server.js"). */
export function readCommandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200);
  } catch {
    return '(unknown)';
  }
}
