// bench/front: a keep-alive hello-world app measured directly, through a berth slot front, a bare node:net pipe, a
// minimal node:http proxy, a node:http + undici proxy and nginx. Ends with one line per path (`berth front: 63.2% of direct, 41 µs CPU/request,
// p99 2.1 ms`) for scripts, and the ratios the goal names.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from '../../test/helpers/ports.js';
import { appFolder, startBerth } from '../lib/berth-under-test.js';
import { cpuSeconds, median, printTable, runWrk, sleep, waitForOk } from '../lib/measure.js';
import { benchDir, describeMachine, ensureAptTools, equaliseNodeStarts } from '../lib/tools.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// Every path is measured in each round, round-robin, and its median round counts: a neighbour's burst of CPU on a
// shared machine then spoils one round of one path instead of a whole path's only measurement.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

ensureAptTools({ wrk: 'wrk', nginx: 'nginx' });
// berth runs from its built bundle when that is up to date with src/ (as an installed berth does), not through tsx.
execFileSync(process.execPath, [path.join(benchDir, '..', 'scripts', 'build.mjs')], { stdio: 'ignore' });
const envNote = equaliseNodeStarts();
console.log(`bench/front — ${describeMachine()} · ${envNote}`);
console.log(`wrk -t1 -c32 -d${SECONDS}s per target and round, ${ROUNDS} rounds round-robin (medians), after a 2 s warm-up each\n`);

const berth = await startBerth(['a']);
await berth.client.deploy('a', appFolder('hello'));
const app = await berth.client.slot('a');
const appPort = app.port!;

const proxyPort = await getFreePort();
const minimal = spawn(process.execPath, [path.join(benchDir, 'front', 'minimal-proxy.mjs'), String(proxyPort), String(appPort)], { stdio: 'ignore' });
const undiciPort = await getFreePort();
const undiciProxy = spawn(process.execPath, [path.join(benchDir, 'front', 'undici-proxy.mjs'), String(undiciPort), String(appPort)], { stdio: 'ignore' });
const pipePort = await getFreePort();
const pipe = spawn(process.execPath, [path.join(benchDir, 'front', 'net-pipe.mjs'), String(pipePort), String(appPort)], { stdio: 'ignore' });

const nginxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-nginx-'));
const nginxPort = await getFreePort();
fs.writeFileSync(
  path.join(nginxDir, 'nginx.conf'),
  `worker_processes 1;
daemon off;
pid ${nginxDir}/nginx.pid;
error_log ${nginxDir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${nginxDir}/body; proxy_temp_path ${nginxDir}/proxy;
  fastcgi_temp_path ${nginxDir}/fastcgi; uwsgi_temp_path ${nginxDir}/uwsgi; scgi_temp_path ${nginxDir}/scgi;
  upstream app { server 127.0.0.1:${appPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
);
const nginx = spawn('nginx', ['-c', path.join(nginxDir, 'nginx.conf'), '-p', nginxDir], { stdio: 'ignore' });

const nginxPids = () => {
  const master = nginx.pid!;
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return pid === master || Number(fields[1]) === master;
      } catch {
        return false;
      }
    });
};

const targets = [
  { name: 'direct (no proxy)', url: `http://127.0.0.1:${appPort}/`, proxyPids: () => [] as number[] },
  { name: 'berth slot front', summary: 'berth front', url: berth.url('a'), proxyPids: () => [berth.daemonPid] },
  { name: 'bare node:net pipe', summary: 'node:net pipe', url: `http://127.0.0.1:${pipePort}/`, proxyPids: () => [pipe.pid!] },
  { name: 'minimal node:http proxy', summary: 'node:http proxy', url: `http://127.0.0.1:${proxyPort}/`, proxyPids: () => [minimal.pid!] },
  { name: 'node:http + undici Pool proxy', summary: 'undici proxy', url: `http://127.0.0.1:${undiciPort}/`, proxyPids: () => [undiciProxy.pid!] },
  { name: 'nginx (1 worker, upstream keepalive)', summary: 'nginx', url: `http://127.0.0.1:${nginxPort}/`, proxyPids: nginxPids },
];

const rows: Array<Array<string | number>> = [];
const measured = new Map<string, { share: number; cpuUs: number; p99: number; rps: number }>();
type Round = { rps: number; p50: number; p99: number; proxyCpuUs: number; appCpuUs: number; failures: number };
const rounds = new Map<string, Round[]>(targets.map((target) => [target.name, []]));
try {
  for (const target of targets) {
    await waitForOk(target.url);
    await runWrk(target.url, 2);
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const target of targets) {
      const pids = target.proxyPids();
      const cpuBefore = cpuSeconds(pids);
      const appCpuBefore = cpuSeconds([app.pid!]);
      const result = await runWrk(target.url, SECONDS);
      const proxyCpu = cpuSeconds(pids) - cpuBefore;
      const appCpu = cpuSeconds([app.pid!]) - appCpuBefore;
      rounds.get(target.name)!.push({
        rps: result.requestsPerSecond,
        p50: result.p50Ms,
        p99: result.p99Ms,
        proxyCpuUs: (proxyCpu / result.requests) * 1e6,
        appCpuUs: (appCpu / result.requests) * 1e6,
        failures: result.errors + result.non2xx,
      });
      await sleep(300);
    }
  }
  const of = (name: string, pick: (round: Round) => number) => median(rounds.get(name)!.map(pick));
  /** Throughput against another path's in the same round (measured seconds apart), the median over rounds. */
  const versus = (name: string, anchor: string) => median(rounds.get(name)!.map((round, index) => round.rps / rounds.get(anchor)![index].rps));
  const direct = targets[0].name;
  for (const target of targets) {
    const rps = of(target.name, (round) => round.rps);
    const cpuUs = of(target.name, (round) => round.proxyCpuUs);
    const p99 = of(target.name, (round) => round.p99);
    const share = versus(target.name, direct) * 100;
    if ('summary' in target && target.summary) measured.set(target.summary, { share, cpuUs, p99, rps });
    const spread = rounds.get(target.name)!.map((round) => round.rps);
    rows.push([
      target.name,
      Math.round(rps),
      `${Math.round(Math.min(...spread))}–${Math.round(Math.max(...spread))}`,
      `${share.toFixed(0)}%`,
      of(target.name, (round) => round.p50).toFixed(2),
      p99.toFixed(2),
      target.proxyPids().length ? cpuUs.toFixed(1) : '-',
      of(target.name, (round) => round.appCpuUs).toFixed(1),
      rounds.get(target.name)!.reduce((sum, round) => sum + round.failures, 0),
    ]);
  }
  console.log();
  printTable(['target', 'req/s (median)', 'rounds', 'vs direct', 'p50 ms', 'p99 ms', 'proxy CPU µs/req', 'app CPU µs/req', 'errors'], rows);
  const berthFront = measured.get('berth front')!;
  const nginxRun = measured.get('nginx')!;
  console.log(
    `\ngoal: ≥ 60% of direct (${berthFront.share.toFixed(1)}%), CPU ≤ 2× nginx (${(berthFront.cpuUs / nginxRun.cpuUs).toFixed(2)}×), p99 ≤ 2× nginx (${(berthFront.p99 / nginxRun.p99).toFixed(2)}×), ≥ 2.5× the node:http proxy (${versus('berth slot front', 'minimal node:http proxy').toFixed(2)}×)\n`,
  );
  for (const [name, run] of measured) console.log(`${name}: ${run.share.toFixed(1)}% of direct, ${Math.round(run.cpuUs)} µs CPU/request, p99 ${run.p99.toFixed(1)} ms`);
} finally {
  minimal.kill();
  pipe.kill();
  undiciProxy.kill();
  nginx.kill('SIGQUIT');
  await berth.stop();
  fs.rmSync(nginxDir, { recursive: true, force: true });
}
