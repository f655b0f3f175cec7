// bench/supervisor: berth vs PM2 vs bare `node server.js`, in the same run — start to first answer, crash to answering
// again, daemon memory with 5 apps, and log capture of 5 apps printing 10,000 lines/s each for 10 s.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { getFreePort } from '../../test/helpers/ports.js';
import { berthBin } from '../../test/helpers/berth-process.js';
import { appFolder, startBerth } from '../lib/berth-under-test.js';
import { countCapturedLines } from '../lib/count-lines.js';
import { cpuSeconds, median, printTable, rssMb, sleep, waitForOk } from '../lib/measure.js';
import { createPm2 } from '../lib/pm2.js';
import { benchDir, describeMachine, equaliseNodeStarts } from '../lib/tools.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SLOTS = ['a', 'b', 'c', 'd', 'e'];
const LINES_PER_SECOND = 10_000;
const DURATION_S = 10;
const hello = path.join(benchDir, 'apps', 'hello.js');
const printer = path.join(benchDir, 'apps', 'printer.js');
const get = (url: string) => fetch(url).then((response) => response.text()).catch(() => '');

const envNote = equaliseNodeStarts();
console.log(`bench/supervisor — ${describeMachine()} · ${envNote}\n`);

async function timeTo(url: string, command: () => unknown): Promise<number> {
  const started = performance.now();
  const answered = waitForOk(url);
  await command();
  return (await answered) - started;
}

/** CPU a daemon spends while the printers print: the same fixed window for berth and PM2, with no requests to either. */
async function measureDaemonCpu(startAt: number, pid: number): Promise<{ seconds: number; cpu: number }> {
  await sleep(startAt - Date.now());
  const before = cpuSeconds([pid]);
  const started = performance.now();
  await sleep(DURATION_S * 1000 + 1500);
  return { seconds: (performance.now() - started) / 1000, cpu: cpuSeconds([pid]) - before };
}

async function bareNodeStart(): Promise<number> {
  const port = await getFreePort();
  let child: ReturnType<typeof spawn> | undefined;
  const ms = await timeTo(`http://127.0.0.1:${port}/`, () => {
    child = spawn(process.execPath, [hello], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  });
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child!.kill();
  await exited;
  return ms;
}

const results = { bare: [] as number[], berthApi: [] as number[], berthCli: [] as number[], pm2: [] as number[], berthCrash: [] as number[], pm2Crash: [] as number[] };
const memory: Array<Array<string | number>> = [];
const logs: Array<Array<string | number>> = [];

for (let run = 0; run < RUNS; run++) results.bare.push(await bareNodeStart());

const berth = await startBerth(SLOTS);
try {
  const folder = appFolder('hello');
  for (const slot of SLOTS) await berth.client.deploy(slot, folder);
  for (let run = 0; run < RUNS; run++) {
    await berth.client.stop('a');
    results.berthApi.push(await timeTo(berth.url('a'), () => berth.client.start('a')));
    await berth.client.stop('a');
    results.berthCli.push(await timeTo(berth.url('a'), () => new Promise((resolve) => spawn(process.execPath, [berthBin, 'start', 'a'], { env: { ...process.env, BERTH_HOME: berth.home }, stdio: 'ignore' }).once('exit', resolve))));
  }
  for (let run = 0; run < RUNS; run++) {
    await berth.client.restart('a');
    await get(`${berth.url('a')}crash`);
    const crashedAt = performance.now();
    results.berthCrash.push((await waitForOk(berth.url('a'))) - crashedAt);
  }
  await sleep(3000);
  memory.push(['berth daemon (fronts, supervisor, API, logs)', rssMb([berth.daemonPid]).toFixed(1)], ['berth daemon + watchdog', rssMb([berth.daemonPid, berth.watchdogPid]).toFixed(1)]);

  const startAt = Date.now() + 6000;
  for (const slot of SLOTS) await berth.client.changeEnv(slot, { set: { START_AT: String(startAt), PRINTER_TAG: slot, LINES_PER_SECOND: String(LINES_PER_SECOND), DURATION_S: String(DURATION_S) } });
  for (const slot of SLOTS) await berth.client.deploy(slot, appFolder('printer'));
  const { seconds, cpu } = await measureDaemonCpu(startAt, berth.daemonPid);
  const captured = SLOTS.reduce((sum, slot) => sum + countCapturedLines(path.join(berth.home, 'logs', 'slots', slot), slot), 0);
  logs.push(['berth', SLOTS.length * LINES_PER_SECOND * DURATION_S, captured, `${((cpu / seconds) * 100).toFixed(0)}%`]);
} finally {
  await berth.stop();
}

const pm2 = createPm2();
try {
  await pm2.pm2(['ping']);
  for (let run = 0; run < RUNS; run++) {
    const port = await getFreePort();
    results.pm2.push(await timeTo(`http://127.0.0.1:${port}/`, () => pm2.pm2(['start', hello, '--name', 'start-test'], { PORT: String(port) })));
    await pm2.pm2(['delete', 'start-test']);
  }
  const crashPort = await getFreePort();
  await pm2.pm2(['start', hello, '--name', 'crash-test'], { PORT: String(crashPort) });
  for (let run = 0; run < RUNS; run++) {
    await waitForOk(`http://127.0.0.1:${crashPort}/`);
    await sleep(1200);
    await get(`http://127.0.0.1:${crashPort}/crash`);
    const crashedAt = performance.now();
    results.pm2Crash.push((await waitForOk(`http://127.0.0.1:${crashPort}/`)) - crashedAt);
  }
  await pm2.pm2(['delete', 'crash-test']);
  for (const slot of SLOTS) await pm2.pm2(['start', hello, '--name', `app-${slot}`], { PORT: String(await getFreePort()) });
  await sleep(3000);
  memory.push(['pm2 daemon (God), 5 apps', rssMb([pm2.daemonPid()]).toFixed(1)]);
  for (const slot of SLOTS) await pm2.pm2(['delete', `app-${slot}`]);

  const startAt = Date.now() + 5000;
  for (const slot of SLOTS) {
    await pm2.pm2(['start', printer, '--name', `printer-${slot}`], { PORT: String(await getFreePort()), START_AT: String(startAt), PRINTER_TAG: slot, LINES_PER_SECOND: String(LINES_PER_SECOND), DURATION_S: String(DURATION_S) });
  }
  const { seconds, cpu } = await measureDaemonCpu(startAt, pm2.daemonPid());
  const captured = SLOTS.reduce((sum, slot) => sum + countCapturedLines(path.join(pm2.home, 'logs'), slot, `printer-${slot}-out.log`), 0);
  logs.push(['pm2', SLOTS.length * LINES_PER_SECOND * DURATION_S, captured, `${((cpu / seconds) * 100).toFixed(0)}%`]);
} finally {
  await pm2.kill();
}

const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
console.log(`start command → first HTTP answer (median of ${RUNS})`);
printTable(
  ['how', 'median', 'vs bare node'],
  [
    ['bare `node server.js`', ms(results.bare), '-'],
    ['berth start (API call)', ms(results.berthApi), `+${(median(results.berthApi) - median(results.bare)).toFixed(0)} ms`],
    ['berth start (CLI, `berth start a`)', ms(results.berthCli), `+${(median(results.berthCli) - median(results.bare)).toFixed(0)} ms`],
    ['pm2 start (CLI)', ms(results.pm2), `+${(median(results.pm2) - median(results.bare)).toFixed(0)} ms`],
  ],
);
console.log(`\ncrash → answering again (median of ${RUNS})`);
printTable(['who', 'median'], [['berth', ms(results.berthCrash)], ['pm2', ms(results.pm2Crash)]]);
console.log('\ndaemon memory with 5 apps running');
printTable(['process', 'RSS MiB'], memory);
console.log(`\nlog capture: 5 apps × ${LINES_PER_SECOND} lines/s × ${DURATION_S} s`);
printTable(['who', 'printed', 'captured', 'daemon CPU (of one core)'], logs);
