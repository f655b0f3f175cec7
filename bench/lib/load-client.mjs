// A keep-alive load generator run as its own process: requests until SIGTERM, then prints its counts as JSON.
import http from 'node:http';

const [url, connectionsText] = process.argv.slice(2);
const connections = Number(connectionsText ?? 16);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const counts = { ok: 0, non2xx: 0, errors: 0, kinds: {} };
const count = (kind) => (counts.kinds[kind] = (counts.kinds[kind] ?? 0) + 1);
let running = true;

function once() {
  return new Promise((resolve) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => {
        if (response.statusCode >= 200 && response.statusCode < 300) counts.ok++;
        else {
          counts.non2xx++;
          count(`HTTP ${response.statusCode}`);
        }
        resolve();
      });
    });
    // A request that hangs (a worker killed mid-answer) is a failure, not a stuck benchmark.
    request.setTimeout(5000, () => request.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    request.on('error', (error) => {
      counts.errors++;
      count(error.code ?? error.message);
      // Do not spin on a refused port: a real client would also wait a moment.
      setTimeout(resolve, 5);
    });
  });
}

async function worker() {
  while (running) await once();
}

const workers = Array.from({ length: connections }, worker);
process.on('SIGTERM', async () => {
  running = false;
  await Promise.race([Promise.all(workers), new Promise((resolve) => setTimeout(resolve, 6000))]);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  process.exit(0);
});
process.stdout.write('ready\n');
