// bench/zero-downtime: failed requests under continuous keep-alive load during redeploys, env changes and rollbacks,
// beside PM2's `restart` (fork mode) and `reload` (cluster mode) under the same load, in the same run. Three kinds of
// load at once: keep-alive clients that wait between requests, wrk (whose connections never go idle), and WebSocket
// clients (a clean 1001 close and a reconnect is not a failure; anything else is).
import path from 'node:path';
import { getFreePort } from '../../test/helpers/ports.js';
import { appFolder, startBerth } from '../lib/berth-under-test.js';
import { startLoad, startWebSockets, type LoadCounts, type WebSocketCounts } from '../lib/load.js';
import { printTable, startWrk, waitForOk, type WrkResult } from '../lib/measure.js';
import { createPm2 } from '../lib/pm2.js';
import { describeMachine, ensureAptTools, equaliseNodeStarts } from '../lib/tools.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const CONNECTIONS = 16;
const WRK_CONNECTIONS = 8;
const WEBSOCKETS = 4;
ensureAptTools({ wrk: 'wrk' });
const envNote = equaliseNodeStarts();
console.log(`bench/zero-downtime — ${describeMachine()} · ${envNote}`);
console.log(`${CONNECTIONS} keep-alive connections of continuous load, wrk on ${WRK_CONNECTIONS} more, ${WEBSOCKETS} WebSockets; ${ROUNDS} actions per scenario`);
console.log('(a client whose connection is refused waits 5 ms before its next try, so refusals count attempts)\n');

const rows: Array<Array<string | number>> = [];
function record(scenario: string, counts: LoadCounts, wrk: WrkResult, sockets: WebSocketCounts, seconds: number): void {
  const failed = counts.non2xx + counts.errors;
  const kinds = Object.entries({ ...counts.kinds, ...Object.fromEntries(Object.entries(sockets.kinds).map(([kind, number]) => [`ws ${kind}`, number])) }).map(([kind, number]) => `${kind} ×${number}`);
  rows.push([scenario, ROUNDS, counts.ok + failed, failed, wrk.requests, wrk.errors + wrk.non2xx, sockets.echoes, sockets.cleanCloses, sockets.failures, seconds.toFixed(1), kinds.join(', ') || '-']);
}

async function measure(scenario: string, url: string, action: (round: number) => Promise<unknown>): Promise<void> {
  await waitForOk(url);
  const load = await startLoad(url, CONNECTIONS);
  const wrk = startWrk(url, WRK_CONNECTIONS);
  const sockets = await startWebSockets(url.replace(/^http/, 'ws'), WEBSOCKETS);
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) await action(round);
  const seconds = (performance.now() - started) / 1000;
  // A moment for the last reconnects, then every count.
  await new Promise((resolve) => setTimeout(resolve, 200));
  record(scenario, await load.stop(), await wrk.stop(), await sockets.stop(), seconds);
}

const berth = await startBerth(['a']);
try {
  const folder = appFolder('hello-ws');
  await berth.client.deploy('a', folder);
  await measure('berth deploy (new release)', berth.url('a'), () => berth.client.deploy('a', folder));
  await measure('berth env set', berth.url('a'), (round) => berth.client.changeEnv('a', { set: { ROUND: String(round) } }));
  const { releases } = await berth.client.releases('a');
  await measure('berth rollback', berth.url('a'), (round) => berth.client.rollback('a', releases[round % 2 === 0 ? 1 : 0].seq));
} finally {
  await berth.stop();
}

const pm2 = createPm2();
try {
  const script = path.join(appFolder('hello-ws'), 'server.js');
  const forkPort = await getFreePort();
  await pm2.pm2(['start', script, '--name', 'fork'], { PORT: String(forkPort) });
  await measure('pm2 restart (fork mode)', `http://127.0.0.1:${forkPort}/`, () => pm2.pm2(['restart', 'fork']));
  await pm2.pm2(['delete', 'fork']);
  const clusterPort = await getFreePort();
  await pm2.pm2(['start', script, '--name', 'cluster', '-i', '2'], { PORT: String(clusterPort) });
  await measure('pm2 reload (cluster mode, 2)', `http://127.0.0.1:${clusterPort}/`, () => pm2.pm2(['reload', 'cluster']));
} finally {
  await pm2.kill();
}

console.log();
printTable(['scenario', 'actions', 'requests', 'failed', 'wrk requests', 'wrk failed', 'ws echoes', 'ws 1001 closes', 'ws failed', 'seconds', 'failure kinds'], rows);
