// Small HTTP helpers for tests: one request with the answer's status, headers and body.
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(url: string, options: http.RequestOptions & { body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: false, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends requests over keep-alive connections until stopped; counts answers that were not 2xx or failed. */
export function startLoad(url: string, connections = 4) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let running = true;
  const counts = { ok: 0, failed: 0, failures: [] as string[] };
  const worker = async () => {
    while (running) {
      try {
        const answer = await request(url, { agent });
        if (answer.status >= 200 && answer.status < 300) counts.ok++;
        else {
          counts.failed++;
          counts.failures.push(`HTTP ${answer.status}`);
        }
      } catch (error) {
        counts.failed++;
        counts.failures.push((error as Error).message);
      }
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    counts,
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return counts;
    },
  };
}
