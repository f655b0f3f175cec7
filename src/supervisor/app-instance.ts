// One supervised app process: spawned in its own process group, logs captured, restarted by the policy, stopped as a tree.
import { spawn, type ChildProcess } from 'node:child_process';
import { createLineSplitter } from '../logs/line-splitter.js';
import type { LogStream } from '../logs/log-line.js';
import type { StartCommand } from '../store/records.js';
import type { Clock } from './clock.js';
import { readProcStat } from './proc.js';
import { decideRestart, describeExit, formatDuration, freshHistory, type RestartHistory, type RestartPolicy, type RunEnd } from './restart-policy.js';
import { stopProcessTree } from './stop-tree.js';

export type InstanceState = 'starting' | 'running' | 'backoff' | 'crashed' | 'exited' | 'stopping' | 'stopped';

export interface InstanceEvents {
  onSpawn?(pid: number, startTicks: number): void;
  onProcessGone?(pid: number): void;
  onRestart?(run: RunEnd, delayMs: number): void;
  onCrashed?(reason: string): void;
}

export interface AppInstanceOptions {
  slot: string;
  release: number;
  command: StartCommand;
  cwd: string;
  env: Record<string, string>;
  port: number;
  policy: RestartPolicy;
  stopGraceMs: number;
  /** The signal that asks the process to stop before SIGKILL (SIGTERM unless told). */
  stopSignal?: NodeJS.Signals;
  maxLineBytes: number;
  clock: Clock;
  writeLog(stream: LogStream, lines: string[]): void;
  events?: InstanceEvents;
}

const STDERR_TAIL_LINES = 20;

export function createAppInstance(options: AppInstanceOptions) {
  let child: ChildProcess | null = null;
  let state: InstanceState = 'starting';
  let supervised = false;
  let history: RestartHistory = freshHistory;
  let startedAt = 0;
  let restarts = 0;
  let crashReason: string | null = null;
  let cancelRestart: (() => void) | null = null;
  let exitWaiters: Array<(run: RunEnd) => void> = [];
  const stderrTail: string[] = [];

  const system = (text: string) => options.writeLog('sys', [text]);

  function capture(stream: NodeJS.ReadableStream, name: 'out' | 'err'): void {
    const splitter = createLineSplitter(options.maxLineBytes);
    const emit = (lines: string[]) => {
      if (lines.length === 0) return;
      options.writeLog(name, lines);
      if (name === 'err') {
        stderrTail.push(...lines.slice(-STDERR_TAIL_LINES));
        stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_TAIL_LINES));
      }
    };
    stream.on('data', (chunk: Buffer) => emit(splitter.push(chunk)));
    stream.on('end', () => emit(splitter.flush()));
  }

  function spawnOnce(): void {
    startedAt = options.clock.now();
    // detached: the app leads its own process group (and session), so the whole tree can be signalled at once.
    const proc = spawn(options.command.command, options.command.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    capture(proc.stdout!, 'out');
    capture(proc.stderr!, 'err');
    proc.once('error', (error) => {
      system(`could not start "${options.command.display}": ${error.message}`);
      stderrTail.push(error.message);
    });
    if (proc.pid !== undefined) {
      const startTicks = readProcStat(proc.pid)?.startTicks ?? 0;
      options.events?.onSpawn?.(proc.pid, startTicks);
      system(`started pid ${proc.pid}: ${options.command.display} (PORT=${options.port})`);
    }
    proc.once('exit', (code, signal) => void handleExit(proc, { startedAt, endedAt: options.clock.now(), code, signal }));
    // A spawn that fails outright (ENOENT: no such command) has no pid and may emit 'error' without 'exit': end the run
    // here, so a health check waiting on it learns at once.
    if (proc.pid === undefined) proc.once('error', () => void handleExit(proc, { startedAt, endedAt: options.clock.now(), code: null, signal: null }));
  }

  async function handleExit(proc: ChildProcess, run: RunEnd): Promise<void> {
    if (child !== proc) return;
    child = null;
    if (proc.pid !== undefined) {
      // The leader is gone; make sure nothing it started lingers (and holds the port) before any restart.
      await stopProcessTree({ pid: proc.pid, graceMs: options.stopGraceMs, rootExited: true });
      options.events?.onProcessGone?.(proc.pid);
    }
    const waiters = exitWaiters;
    exitWaiters = [];
    waiters.forEach((resolve) => resolve(run));
    if (state === 'stopping' || state === 'stopped') return;
    const uptime = formatDuration(run.endedAt - run.startedAt);
    if (!supervised) {
      state = 'exited';
      system(`${describeExit(run)} after ${uptime}`);
      return;
    }
    const decision = decideRestart(options.policy, history, run);
    history = decision.history;
    if (decision.action === 'give-up') {
      state = 'crashed';
      crashReason = `${decision.reason}; last stderr lines:\n${stderrTail.join('\n') || '(none)'}`;
      system(`crashed: ${decision.reason}`);
      options.events?.onCrashed?.(crashReason);
      return;
    }
    state = 'backoff';
    system(`${describeExit(run)} after ${uptime}; restarting in ${formatDuration(decision.delayMs)}`);
    options.events?.onRestart?.(run, decision.delayMs);
    cancelRestart = options.clock.setTimeout(() => {
      cancelRestart = null;
      if (state !== 'backoff') return;
      restarts++;
      state = 'running';
      spawnOnce();
    }, decision.delayMs);
  }

  return {
    get state(): InstanceState {
      return state;
    },
    get pid(): number | null {
      return child?.pid ?? null;
    },
    get port(): number {
      return options.port;
    },
    get release(): number {
      return options.release;
    },
    get startedAt(): number {
      return startedAt;
    },
    get restarts(): number {
      return restarts;
    },
    get crashReason(): string | null {
      return crashReason;
    },
    stderrTail(): string[] {
      return [...stderrTail];
    },
    start(): void {
      spawnOnce();
    },
    /** From now on an exit is a crash to recover from, not a failed start. */
    supervise(): void {
      supervised = true;
      if (state === 'starting') state = 'running';
    },
    /** Resolves when the current process exits (immediately with null if none runs). */
    whenExited(): Promise<RunEnd | null> {
      if (!child) return Promise.resolve(null);
      return new Promise((resolve) => exitWaiters.push(resolve));
    },
    async stop(): Promise<{ killed: boolean }> {
      state = 'stopping';
      cancelRestart?.();
      cancelRestart = null;
      const proc = child;
      let killed = false;
      if (proc?.pid !== undefined) {
        const exited = new Promise<unknown>((resolve) => exitWaiters.push(resolve));
        const result = await stopProcessTree({ pid: proc.pid, graceMs: options.stopGraceMs, signal: options.stopSignal });
        killed = result.killed;
        await exited;
        if (killed) system(`did not stop within ${formatDuration(options.stopGraceMs)} of ${options.stopSignal ?? 'SIGTERM'}; killed`);
      }
      state = 'stopped';
      return { killed };
    },
  };
}

export type AppInstance = ReturnType<typeof createAppInstance>;
