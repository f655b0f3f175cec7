// The restart policy as a pure function: given how a run ended and the history so far, restart after a delay or give up.
export interface RestartPolicy {
  /** A run shorter than this is a fast failure. */
  minUptimeMs: number;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** This many fast failures in a row mark the app crashed. */
  maxFastFailures: number;
  /** A run at least this long resets the backoff delay to its start. */
  resetAfterMs: number;
}

export interface RestartHistory {
  fastFailures: number;
  /** The delay used before the last restart; 0 before any. */
  lastDelayMs: number;
}

export interface RunEnd {
  startedAt: number;
  endedAt: number;
  code: number | null;
  signal: string | null;
}

export type RestartDecision =
  | { action: 'restart'; delayMs: number; history: RestartHistory }
  | { action: 'give-up'; history: RestartHistory; reason: string };

export const freshHistory: RestartHistory = { fastFailures: 0, lastDelayMs: 0 };

export function decideRestart(policy: RestartPolicy, history: RestartHistory, run: RunEnd): RestartDecision {
  const uptime = Math.max(0, run.endedAt - run.startedAt);
  const fast = uptime < policy.minUptimeMs;
  const fastFailures = fast ? history.fastFailures + 1 : 0;
  if (fastFailures >= policy.maxFastFailures) {
    return {
      action: 'give-up',
      history: { fastFailures, lastDelayMs: history.lastDelayMs },
      reason: `${describeExit(run)} within ${formatDuration(uptime)}, ${fastFailures === 1 ? "once" : `${fastFailures} times in a row`}`,
    };
  }
  const stable = uptime >= policy.resetAfterMs;
  const delayMs = stable || history.lastDelayMs === 0 ? policy.initialDelayMs : Math.min(policy.maxDelayMs, Math.round(history.lastDelayMs * policy.factor));
  return { action: 'restart', delayMs: Math.min(delayMs, policy.maxDelayMs), history: { fastFailures, lastDelayMs: delayMs } };
}

export function describeExit(run: Pick<RunEnd, 'code' | 'signal'>): string {
  if (run.signal) return `was killed by ${run.signal}`;
  return `exited with code ${run.code ?? 'unknown'}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
