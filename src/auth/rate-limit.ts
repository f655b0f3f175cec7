// Counts failures per key (a client address) in a sliding window, in bounded memory: at most maxKeys keys are kept,
// the oldest forgotten first.
export interface RateLimiter {
  /** Milliseconds to wait before the key may try again; 0 when it may try now. */
  retryAfter(key: string): number;
  fail(key: string): void;
  reset(key: string): void;
}

export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys?: number; now?: () => number }): RateLimiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const failures = new Map<string, number[]>();

  const recent = (key: string): number[] => {
    const since = now() - options.windowMs;
    const kept = (failures.get(key) ?? []).filter((at) => at > since);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  };

  return {
    retryAfter(key) {
      const kept = recent(key);
      return kept.length < options.limit ? 0 : kept[kept.length - options.limit] + options.windowMs - now();
    },
    fail(key) {
      const kept = recent(key);
      failures.delete(key);
      failures.set(key, [...kept, now()]);
      if (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
