// bench/ui: how fast the admin UI becomes usable, and how big it is. A real `berth up` with 5 live slots, a real
// Chromium (signed in with a session cookie), N navigations to the grid: first contentful paint and "grid ready"
// (the first render with the slots' data, a performance mark the UI sets). The anchor, measured in the same run: a
// one-line static HTML page from a plain Node server, the floor for any page in this browser on this machine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../../test/helpers/browser.js';
import { appFolder, startBerth } from '../lib/berth-under-test.js';
import { median, printTable } from '../lib/measure.js';
import { describeMachine, repoDir } from '../lib/tools.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
console.log(`bench/ui — ${describeMachine()}`);
execFileSync(process.execPath, [path.join(repoDir, 'scripts', 'build.mjs')], { stdio: 'inherit' });

// Size: everything the browser downloads for the UI, gzip -9 (what a compressing proxy would send).
const uiDir = path.join(repoDir, 'dist', 'ui');
const files = [path.join(uiDir, 'index.html'), ...fs.readdirSync(path.join(uiDir, 'assets')).map((name) => path.join(uiDir, 'assets', name))];
const sizes = files.map((file) => ({ file: path.relative(uiDir, file), raw: fs.statSync(file).size, gzip: gzipSync(fs.readFileSync(file), { level: 9 }).length }));
const totalGzip = sizes.reduce((sum, entry) => sum + entry.gzip, 0);

const slots = ['a', 'b', 'c', 'd', 'e'];
const berth = await startBerth(slots);
const anchor = http.createServer((_req, res) => res.end('<!doctype html><title>anchor</title><p>hello</p>')).listen(0, '127.0.0.1');
await new Promise((resolve) => anchor.once('listening', resolve));
const browser = await launchBrowser();
try {
  const folder = appFolder('hello');
  await Promise.all(slots.map((slot) => berth.client.deploy(slot, folder)));
  const info = JSON.parse(fs.readFileSync(path.join(berth.home, 'run', 'daemon.json'), 'utf8')) as { apiUrl: string };
  const { code } = await berth.client.loginCode();
  const login = await fetch(`${info.apiUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: info.apiUrl }, body: JSON.stringify({ secret: code }) });
  const session = login.headers.get('set-cookie')!.split(';')[0].split('=');
  const anchorUrl = `http://127.0.0.1:${(anchor.address() as { port: number }).port}/`;

  const results = { cold: { fcp: [] as number[], ready: [] as number[] }, warm: { fcp: [] as number[], ready: [] as number[] }, anchor: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Cold: a new browser context (empty cache). Warm: a new tab in the same context (assets cached).
    const context = await browser.newContext();
    await context.addCookies([{ name: session[0], value: session[1], url: info.apiUrl }]);
    for (const kind of ['cold', 'warm'] as const) {
      const page = await context.newPage();
      await page.goto(info.apiUrl);
      await page.waitForFunction("document.querySelectorAll('.slot-card.state-live').length === 5 && performance.getEntriesByName('berth:grid-ready').length > 0");
      await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
      const timing = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        ready: performance.getEntriesByName('berth:grid-ready')[0].startTime,
      }));
      results[kind].fcp.push(timing.fcp);
      results[kind].ready.push(timing.ready);
      await page.close();
    }
    const page = await context.newPage();
    await page.goto(anchorUrl);
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    results.anchor.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
    await context.close();
  }

  const anchorMs = median(results.anchor);
  console.log(`\n${ROUNDS} navigations each; times from navigation start, median\n`);
  printTable(
    ['what', 'first contentful paint', 'grid ready (5 live slots)', 'ready ÷ anchor paint'],
    [
      ['berth UI, cold cache', `${median(results.cold.fcp).toFixed(0)} ms`, `${median(results.cold.ready).toFixed(0)} ms`, `${(median(results.cold.ready) / anchorMs).toFixed(1)}×`],
      ['berth UI, warm cache', `${median(results.warm.fcp).toFixed(0)} ms`, `${median(results.warm.ready).toFixed(0)} ms`, `${(median(results.warm.ready) / anchorMs).toFixed(1)}×`],
      ['anchor: static one-line page', `${anchorMs.toFixed(0)} ms`, '–', '1.0×'],
    ],
  );
  console.log(`\ngoal: grid ready under 1000 ms — ${median(results.cold.ready) < 1000 ? 'met' : 'MISSED'} (cold cache)`);
  console.log('\nsize of the UI (everything the browser downloads)\n');
  printTable(
    ['file', 'bytes', 'gzip -9'],
    [...sizes.map((entry) => [entry.file, entry.raw, entry.gzip]), ['total', sizes.reduce((sum, entry) => sum + entry.raw, 0), totalGzip]],
  );
  console.log(`\ngoal: under 200 KB gzip — ${totalGzip < 200 * 1024 ? 'met' : 'MISSED'} (${(totalGzip / 1024).toFixed(1)} KB)`);
} finally {
  await browser.close();
  anchor.close();
  await berth.stop();
}
