// Waiting for conditions instead of sleeping: retries a check until it passes or the deadline comes.
// A check that hangs (a request that never answers) is cut off at the deadline too, so a test fails with a reason.
export async function eventually<T>(check: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`a check was still running after ${timeoutMs} ms`)), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([Promise.resolve().then(check), overdue]);
    } catch (error) {
      lastError = error;
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() >= deadline) {
      throw new Error(`gave up waiting${options.what ? ` for ${options.what}` : ''}: ${(lastError as Error)?.message ?? lastError}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
