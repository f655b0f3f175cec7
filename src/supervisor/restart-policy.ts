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
  /** Restarts since the app was last stable. */
  restarts: number;
  /** The delay used before the last restart. */
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

export const freshHistory: RestartHistory = { fastFailures: 0, restarts: 0, lastDelayMs: 0 };

/**
 * The first restart after a stable run is immediate (a one-off crash costs only the app's boot time); from the second
 * in a row on, delays start at initialDelayMs and grow by factor up to maxDelayMs.
 */
export function decideRestart(policy: RestartPolicy, history: RestartHistory, run: RunEnd): RestartDecision {
  const uptime = Math.max(0, run.endedAt - run.startedAt);
  const fast = uptime < policy.minUptimeMs;
  const fastFailures = fast ? history.fastFailures + 1 : 0;
  if (fastFailures >= policy.maxFastFailures) {
    return {
      action: 'give-up',
      history: { ...history, fastFailures },
      reason: `${describeExit(run)} within ${formatDuration(uptime)}, ${fastFailures === 1 ? 'once' : `${fastFailures} times in a row`}`,
    };
  }
  const restarts = uptime >= policy.resetAfterMs ? 0 : history.restarts;
  const delayMs = restarts === 0 ? 0 : restarts === 1 ? policy.initialDelayMs : Math.min(policy.maxDelayMs, Math.round(history.lastDelayMs * policy.factor));
  return { action: 'restart', delayMs, history: { fastFailures, restarts: restarts + 1, lastDelayMs: delayMs } };
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
