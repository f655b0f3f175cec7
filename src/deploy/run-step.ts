// Runs one deploy step (git, install, build) as a child process tree: argv only, own process group, output as lines,
// a deadline and a cancel signal that both stop the whole tree.
import { spawn } from 'node:child_process';
import { BerthError } from '../errors/berth-error.js';
import { createLineSplitter } from '../logs/line-splitter.js';
import { formatDuration } from '../supervisor/restart-policy.js';
import { readProcStat } from '../supervisor/proc.js';
import { stopProcessTree } from '../supervisor/stop-tree.js';

export interface StepCommand {
  command: string;
  args: string[];
  /** How the command is shown in the log ("npm ci"); never holds a secret. */
  display: string;
}

export interface RunStepOptions {
  step: StepCommand;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  /** Each complete output line, as it comes. */
  onLines(lines: string[]): void;
  /** The step's root pid, so a daemon that dies mid-build can have the tree stopped at its next start. */
  onSpawn?(pid: number, startTicks: number): void;
  onExit?(pid: number): void;
}

export interface StepResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of output, for the error message of a failed step. */
  tail: string[];
}

const TAIL_LINES = 30;
const STOP_GRACE_MS = 3_000;

export async function runStep(options: RunStepOptions): Promise<StepResult> {
  const { step } = options;
  if (options.signal.aborted) throw cancelled(step);
  const child = spawn(step.command, step.args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const splitters = [createLineSplitter(8192), createLineSplitter(8192)];
  const emit = (lines: string[]) => {
    if (lines.length === 0) return;
    options.onLines(lines);
    tail.push(...lines);
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };
  child.stdout!.on('data', (chunk: Buffer) => emit(splitters[0]!.push(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => emit(splitters[1]!.push(chunk)));

  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await spawned;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `the program "${step.command}" is not installed or not on PATH` : (error as Error).message;
    throw new BerthError('ERR_DEPLOY_STEP_FAILED', `\`${step.display}\` could not start: ${reason}.`, { details: { command: step.display } });
  }
  const pid = child.pid!;
  options.onSpawn?.(pid, readProcStat(pid)?.startTicks ?? 0);

  let stoppedFor: 'timeout' | 'cancel' | null = null;
  const stop = (why: 'timeout' | 'cancel') => {
    if (stoppedFor) return;
    stoppedFor = why;
    void stopProcessTree({ pid, graceMs: STOP_GRACE_MS });
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('cancel');
  options.signal.addEventListener('abort', onAbort, { once: true });

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])));
  clearTimeout(timer);
  options.signal.removeEventListener('abort', onAbort);
  emit([...splitters[0]!.flush(), ...splitters[1]!.flush()]);
  // Children that outlive their parent (a build that spawned a daemon) must not outlive the step.
  if (!stoppedFor) await stopProcessTree({ pid, graceMs: 500, rootExited: true });
  options.onExit?.(pid);

  if (stoppedFor === 'cancel') throw cancelled(step);
  if (stoppedFor === 'timeout') {
    throw new BerthError('ERR_DEPLOY_STAGE_TIMEOUT', `\`${step.display}\` was still running after ${formatDuration(options.timeoutMs)} and was stopped.${formatTail(tail)}`, {
      details: { command: step.display, timeoutMs: options.timeoutMs, output: tail.slice(-10) },
    });
  }
  return { code, signal, tail };
}

function cancelled(step: StepCommand): BerthError {
  return new BerthError('ERR_DEPLOY_CANCELLED', `The deployment was cancelled while \`${step.display}\` ran; its processes were stopped.`, { details: { command: step.display } });
}

/** The last output lines, indented, for an error message. */
export function formatTail(lines: readonly string[], count = 10): string {
  const last = lines.slice(-count);
  return last.length === 0 ? '\nIt printed nothing.' : `\nLast output lines:\n${last.map((line) => `  ${line}`).join('\n')}`;
}
