// The pid file of a running `berth up`. A pid file can outlive its process (a killed berth, a workspace restarted
// with its home folder kept) and the pid be reused by another program, so a pid counts only while that process is
// alive and is a berth.
import fs from 'node:fs';
import path from 'node:path';

function isBerth(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: alive but someone else's, so not the berth this user started.
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berth');
  } catch {
    // No /proc (macOS): alive is the best there is.
    return true;
  }
}

/** The pid of the berth that holds the file, or null (no file, or a stale one, which is removed). */
export function runningBerth(file: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return null;
  }
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isBerth(pid)) return pid;
  fs.rmSync(file, { force: true });
  return null;
}

export function writePidFile(file: string, pid = process.pid): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${pid}\n`, { mode: 0o600 });
}

/** Removes the file if it still names this process (a newer berth may have taken it over). */
export function releasePidFile(file: string, pid = process.pid): void {
  try {
    if (Number(fs.readFileSync(file, 'utf8').trim()) === pid) fs.rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
