// Runs berth as a user does: `berth up` in its own process group, and CLI commands as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getFreePort, randomPortRange } from './ports.js';
import { eventually } from './wait.js';

export const berthBin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'berth.mjs');

export async function writeTestConfig(home: string, slotNames: string[], extra: Record<string, unknown> = {}): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const name of slotNames) ports[name] = await getFreePort();
  const config = {
    adminPort: await getFreePort(),
    hooks: { port: await getFreePort() },
    slots: slotNames.map((name) => ({ name, port: ports[name] })),
    internalPorts: randomPortRange(),
    health: { timeoutMs: 15_000, intervalMs: 50, path: '/' },
    stopGraceMs: 1000,
    drainTimeoutMs: 2000,
    ...extra,
  };
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));
  return ports;
}

export interface RunningBerth {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `berth up` as the leader of its own process group, as a terminal would. */
export function startBerthUp(home: string): RunningBerth {
  let output = '';
  const child = spawn(process.execPath, [berthBin, 'up'], { env: { ...process.env, BERTH_HOME: home }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

/** Kills a `berth up` and everything in its process group, if it still runs (cleanup after a failed test). */
export function killBerthUp(berth: RunningBerth | null): void {
  if (!berth?.process.pid || berth.process.exitCode !== null) return;
  try {
    process.kill(-berth.process.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export function daemonPid(home: string): number {
  return JSON.parse(fs.readFileSync(path.join(home, 'run', 'daemon.json'), 'utf8')).pid;
}

export async function waitForDaemon(home: string, notPid?: number): Promise<number> {
  return eventually(
    () => {
      const pid = daemonPid(home);
      if (pid === notPid) throw new Error('still the old daemon');
      return pid;
    },
    { timeoutMs: 30_000, what: 'the daemon to write run/daemon.json' },
  );
}

/**
 * Runs a berth command as a user would (`stdin` piped in when given, `env` added to this process's); asynchronous,
 * so a daemon running in this same process keeps answering.
 */
export function runCli(home: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [berthBin, ...args], { env: { ...process.env, ...env, BERTH_HOME: home, FORCE_COLOR: '' }, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Pids of processes whose working folder is inside the given folder: an app's whole tree, whatever it spawned. */
export function processesInside(folder: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      const state = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cwd.startsWith(folder) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
