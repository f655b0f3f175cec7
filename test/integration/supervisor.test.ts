// The supervisor against real processes: whole trees stop, SIGTERM-ignorers are killed, crash loops end in "crashed".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { after, test } from 'node:test';
import { createAppInstance, type AppInstanceOptions } from '../../src/supervisor/app-instance.js';
import { systemClock } from '../../src/supervisor/clock.js';
import { findPortOwner } from '../../src/supervisor/ports.js';
import { findAppProcesses, isAlive, measureTree } from '../../src/supervisor/proc.js';
import { getFreePort } from '../helpers/ports.js';
import { fixture, makeTempDir, removeDir } from '../helpers/temp.js';
import { eventually } from '../helpers/wait.js';
import { request } from '../helpers/http.js';

const work = makeTempDir('berth-supervisor-');
after(() => removeDir(work));

async function instanceOf(app: string, overrides: Partial<AppInstanceOptions> = {}) {
  const cwd = `${work}/${app}-${Math.random().toString(36).slice(2)}`;
  fs.cpSync(fixture(app), cwd, { recursive: true });
  const port = await getFreePort();
  const lines: Array<{ stream: string; text: string }> = [];
  const instance = createAppInstance({
    slot: 't',
    release: 1,
    command: { command: process.execPath, args: ['server.js'], display: 'node server.js' },
    cwd,
    env: { PATH: process.env.PATH!, PORT: String(port) },
    port,
    policy: { minUptimeMs: 1000, initialDelayMs: 10, factor: 1.5, maxDelayMs: 50, maxFastFailures: 4, resetAfterMs: 30_000 },
    stopGraceMs: 500,
    maxLineBytes: 4096,
    clock: systemClock,
    writeLog: (stream, texts) => texts.forEach((text) => lines.push({ stream, text })),
    ...overrides,
  });
  return { instance, port, cwd, lines };
}

test('an npm start → node → grandchild chain stops as a whole tree, leaving no orphan', async () => {
  const { instance, port, cwd } = await instanceOf('spawns-grandchild', { command: { command: 'npm', args: ['start', '--silent'], display: 'npm start' } });
  instance.start();
  instance.supervise();
  await eventually(() => request(`http://127.0.0.1:${port}/`), { what: 'the app to answer' });
  const grandchild = Number(fs.readFileSync(`${cwd}/grandchild.pid`, 'utf8'));
  const tree = findAppProcesses(instance.pid!).map((stat) => stat.pid);
  assert.ok(tree.length >= 3, `npm, node and the grandchild are in the tree: ${tree}`);
  assert.ok(tree.includes(grandchild));
  await instance.stop();
  for (const pid of tree) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
});

test('an app that ignores SIGTERM is killed after the grace period', async () => {
  const { instance, port, lines } = await instanceOf('ignores-sigterm');
  instance.start();
  instance.supervise();
  await eventually(() => request(`http://127.0.0.1:${port}/`));
  const pid = instance.pid!;
  const result = await instance.stop();
  assert.equal(result.killed, true);
  assert.equal(isAlive(pid), false);
  assert.ok(lines.some((line) => line.text.includes('got SIGTERM, ignoring it')));
  assert.ok(lines.some((line) => line.stream === 'sys' && /killed/.test(line.text)));
});

test('an app that crashes at once is restarted with backoff, then marked crashed with its stderr', async () => {
  const crashes: string[] = [];
  const { instance } = await instanceOf('crash-at-once', { events: { onCrashed: (reason) => crashes.push(reason) } });
  instance.start();
  instance.supervise();
  await eventually(() => assert.equal(instance.state, 'crashed'), { what: 'the crash loop to be detected' });
  assert.equal(instance.restarts, 3);
  assert.equal(crashes.length, 1);
  assert.match(crashes[0], /^exited with code 1 within \d+ ms, 4 times in a row; last stderr lines:\nfatal: DATABASE_URL is not set/);
});

test('the pid holding a port is found, and tree memory is measured from /proc', async () => {
  const server = http.createServer((req, res) => res.end());
  const port = await getFreePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    const owner = findPortOwner(port);
    assert.equal(owner?.pid, process.pid);
    assert.match(owner!.command, /node/);
  } finally {
    server.close();
  }
  const usage = measureTree(process.pid);
  assert.ok(usage.rssBytes > 10 * 1024 * 1024, 'this node process uses more than 10 MiB');
  assert.ok(usage.pids.includes(process.pid));
});
