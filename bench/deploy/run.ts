// bench/deploy: a fresh deploy of a small app with two registry dependencies (warm npm cache) against the same steps
// done by hand in the same run (git clone + npm ci + start until it answers), and a redeploy of a new commit with an
// unchanged lockfile against the goal of 2 s plus the app's own boot time.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from '../../test/helpers/ports.js';
import { createTestRepo } from '../../test/helpers/git-repos.js';
import { startBerth } from '../lib/berth-under-test.js';
import { median, printTable, waitForOk } from '../lib/measure.js';
import { describeMachine } from '../lib/tools.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
console.log(`bench/deploy — ${describeMachine()}`);
console.log(`${ROUNDS} rounds; npm cache warm for both; berth's dependency reuse emptied before each fresh deploy\n`);

const server = (version: string) => `const http = require('node:http');
const ms = require('ms');
const escape = require('escape-html');
http.createServer((req, res) => res.end(escape('<${version}> up ' + ms(Math.round(process.uptime() * 1000))))).listen(Number(process.env.PORT), '127.0.0.1');
`;
const repo = createTestRepo(
  { 'package.json': JSON.stringify({ name: 'bench-app', private: true, scripts: { start: 'node server.js' }, dependencies: { ms: '2.1.3', 'escape-html': '1.0.3' } }), 'server.js': server('v0') },
  { prepare: (work) => work.exec('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund']) },
);

const berth = await startBerth(['a']);
const npmCache = path.join(berth.home, 'cache', 'npm');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-raw-'));
// Apps started by berth do not inherit NODE_EXTRA_CA_CERTS (it costs ~80 ms per Node start); neither does the raw app.
const { NODE_EXTRA_CA_CERTS: _extraCerts, ...appEnv } = process.env;

/** The raw steps: clone, npm ci (same warm cache as berth's), node server.js until it answers. */
async function rawDeploy(round: number): Promise<{ totalMs: number; bootMs: number }> {
  const dir = path.join(scratch, `round-${round}`);
  const started = performance.now();
  execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'main', repo.url, dir]);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--cache', npmCache], { cwd: dir, stdio: 'ignore' });
  const port = await getFreePort();
  const bootStarted = performance.now();
  const app = spawn(process.execPath, ['server.js'], { cwd: dir, env: { ...appEnv, PORT: String(port) }, stdio: 'ignore' });
  const answered = await waitForOk(`http://127.0.0.1:${port}/`);
  app.kill();
  return { totalMs: answered - started, bootMs: answered - bootStarted };
}

async function berthDeploy(): Promise<number> {
  const started = performance.now();
  await berth.client.deploy('a');
  return performance.now() - started;
}

const raw: number[] = [];
const boot: number[] = [];
const fresh: number[] = [];
const redeploy: number[] = [];
try {
  await berth.client.updateSettings('a', { repo: repo.url, branch: 'main' });
  // Warm-up: fills the npm cache both contenders use, and the page cache for git and node.
  await rawDeploy(-1);
  await berthDeploy();
  for (let round = 0; round < ROUNDS; round++) {
    repo.commit({ 'server.js': server(`fresh-${round}`) }, `fresh ${round}`);
    fs.rmSync(path.join(berth.home, 'cache', 'deps'), { recursive: true, force: true });
    fresh.push(await berthDeploy());
    const measured = await rawDeploy(round);
    raw.push(measured.totalMs);
    boot.push(measured.bootMs);
    repo.commit({ 'server.js': server(`redeploy-${round}`) }, `redeploy ${round}`);
    redeploy.push(await berthDeploy());
  }
} finally {
  await berth.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
}

const ms = (value: number) => `${Math.round(value)} ms`;
const rawMedian = median(raw);
const bootMedian = median(boot);
printTable(
  ['measure (median)', 'time', 'ratio / goal'],
  [
    ['raw: git clone + npm ci + node until it answers', ms(rawMedian), '1.00'],
    ['berth deploy, fresh (no reused dependencies)', ms(median(fresh)), `${(median(fresh) / rawMedian).toFixed(2)} (goal ≤ 1.15)`],
    ['app boot (node server.js until it answers)', ms(bootMedian), '-'],
    ['berth deploy, new commit, same lockfile', ms(median(redeploy)), `${ms(median(redeploy) - bootMedian)} + boot (goal < 2000 ms + boot)`],
  ],
);
console.log(`\nrounds: raw ${raw.map(ms).join(', ')} · fresh ${fresh.map(ms).join(', ')} · redeploy ${redeploy.map(ms).join(', ')}`);
