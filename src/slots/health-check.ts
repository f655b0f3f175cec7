// Waits until a freshly started app answers HTTP, or explains why it never did.
import http from 'node:http';

export interface HealthCheckOptions {
  port: number;
  path: string;
  timeoutMs: number;
  intervalMs: number;
  /** Resolves if the process exits first. */
  exited: Promise<unknown>;
}

export type HealthResult = { healthy: true; status: number } | { healthy: false; why: 'exited' | 'timeout'; lastProblem: string };

export async function waitForHealthy(options: HealthCheckOptions): Promise<HealthResult> {
  const deadline = Date.now() + options.timeoutMs;
  let exited = false;
  void options.exited.then(() => {
    exited = true;
  });
  let lastProblem = 'no answer yet';
  // Probe quickly at first (most apps listen within a few hundred ms), then settle at the configured interval.
  let pause = Math.min(10, options.intervalMs);
  while (!exited && Date.now() < deadline) {
    const answer = await probe(options.port, options.path, Math.min(2000, Math.max(100, deadline - Date.now())));
    if (typeof answer === 'number' && answer < 500) return { healthy: true, status: answer };
    lastProblem = typeof answer === 'number' ? `answered HTTP ${answer}` : answer;
    if (exited) break;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, pause)), options.exited]);
    pause = Math.min(options.intervalMs, Math.ceil(pause * 1.5));
  }
  return { healthy: false, why: exited ? 'exited' : 'timeout', lastProblem };
}

/** One GET: the status code, or the reason there was none. */
function probe(port: number, path: string, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs, headers: { 'user-agent': 'berth-health-check' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? `nothing listening on port ${port}` : error.message));
  });
}
