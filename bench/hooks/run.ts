// bench/hooks: how fast a webhook is answered. A real `berth up` with slot a tracking a local repository; signed
// GitHub push deliveries of distinct commits (each verified, checked for duplicates, routed, logged, and its
// deployment queued or coalesced) against GET /health on the same listener (the floor: HTTP alone), same run.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { githubPush, sendGithub } from '../../test/helpers/hook-sender.js';
import { getFreePort } from '../../test/helpers/ports.js';
import { startBerth } from '../lib/berth-under-test.js';
import { printTable } from '../lib/measure.js';
import { describeMachine } from '../lib/tools.js';

const COUNT = Number(process.env.BENCH_DELIVERIES ?? 300);
console.log(`bench/hooks — ${describeMachine()}`);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-hooks-'));
const git = (args: string[], cwd = scratch) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid' } }).trim();
git(['init', '-q', '-b', 'main', 'work']);
const work = path.join(scratch, 'work');
fs.writeFileSync(path.join(work, 'index.html'), '<h1>hooked</h1>\n');
git(['add', '-A'], work);
const shas: string[] = [];
for (let index = 0; index < COUNT; index++) {
  git(['commit', '-q', '--allow-empty', '-m', `commit ${index}`], work);
  shas.push(git(['rev-parse', 'HEAD'], work));
}
const hooksPort = await getFreePort();
const berth = await startBerth(['a'], { hooks: { port: hooksPort, perMinute: 1_000_000 } });
try {
  await berth.client.updateSettings('a', { repo: work, branch: 'main' });
  const secret = (await berth.client.revealHookSecret('a')).secret;
  const base = `http://127.0.0.1:${hooksPort}`;
  const health: number[] = [];
  const pushes: number[] = [];
  const outcomes = new Map<string, number>();
  for (let index = 0; index < COUNT; index++) {
    let started = performance.now();
    await (await fetch(`${base}/health`)).arrayBuffer();
    health.push(performance.now() - started);
    const payload = githubPush(work, { after: shas[index] });
    started = performance.now();
    const answer = await sendGithub(base, secret, 'push', payload);
    pushes.push(performance.now() - started);
    outcomes.set(answer.body.outcome, (outcomes.get(answer.body.outcome) ?? 0) + 1);
  }
  const row = (what: string, values: number[]) => [what, `${percentile(values, 50).toFixed(2)} ms`, `${percentile(values, 99).toFixed(2)} ms`];
  printTable(['what', 'p50', 'p99'], [row('anchor: GET /health on the hooks listener', health), row('signed push: verify, dedupe, route, log, queue', pushes)]);
  console.log(`\n${COUNT} pushes: ${[...outcomes].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}; ${(await berth.client.deployments('a')).length} deployments`);
  console.log(`berth hooks: push answered in p50 ${percentile(pushes, 50).toFixed(2)} ms (${(percentile(pushes, 50) / percentile(health, 50)).toFixed(1)}× the bare HTTP answer), p99 ${percentile(pushes, 99).toFixed(2)} ms`);
} finally {
  await berth.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
}
