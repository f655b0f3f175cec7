// Operating slots: stop/start/restart, supervision after crashes, crash-loop reasons, memory limits, port conflicts.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BerthError } from '../../src/errors/berth-error.js';
import { getFreePort } from '../helpers/ports.js';
import { request } from '../helpers/http.js';
import { processesInside } from '../helpers/berth-process.js';
import { fixture, removeDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';
import { eventually } from '../helpers/wait.js';

let berth: TestDaemon;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'mem', memoryLimitMb: 150 }] });
});
after(() => berth.close());

test('status reports state, release, pid, port, uptime, cpu, memory, restarts and URL', async () => {
  await berth.client.deploy('a', fixture('echo'));
  const status = await eventually(async () => {
    const current = await berth.client.slot('a');
    assert.ok(current.memoryBytes > 0, 'memory sampled');
    return current;
  });
  assert.equal(status.state, 'running');
  assert.equal(status.release, 1);
  assert.equal(status.command, 'node server.js');
  assert.ok(status.uptimeMs! >= 0);
  assert.equal(status.restarts, 0);
  assert.equal(status.url, `http://localhost:${status.publicPort}`);
  const all = await berth.client.status();
  assert.deepEqual(all.map((slot) => slot.slot), ['a', 'mem']);
  assert.equal(all[1].state, 'empty');
});

test('stop shows a 503 page with Retry-After and stops the process; start brings the release back', async () => {
  const { pid } = await berth.client.slot('a');
  await berth.client.stop('a');
  const stopped = await berth.client.slot('a');
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.pid, null);
  assert.throws(() => process.kill(pid!, 0));
  const page = await request(berth.slotUrl('a'));
  assert.equal(page.status, 503);
  assert.equal(page.headers['retry-after'], '5');
  assert.match(page.body, /stopped/);
  await berth.client.start('a');
  assert.equal((await berth.client.slot('a')).state, 'running');
  assert.equal((await request(berth.slotUrl('a'))).status, 200);
});

test('restart replaces the process with a new one without downtime', async () => {
  const before = await berth.client.slot('a');
  const deployment = await berth.client.restart('a');
  assert.equal(deployment?.trigger, 'restart');
  const after = await berth.client.slot('a');
  assert.notEqual(after.pid, before.pid);
  assert.equal(after.release, before.release);
});

test('a killed app is restarted by the supervisor; killed again and again it is marked crashed with the reason', async () => {
  await berth.client.restart('a');
  const first = (await berth.client.slot('a')).pid!;
  process.kill(first, 'SIGKILL');
  const restarted = await eventually(async () => {
    const status = await berth.client.slot('a');
    assert.ok(status.pid && status.pid !== first && status.state === 'running');
    return status;
  });
  assert.equal(restarted.restarts, 1);
  // Kill each new process at once: fast failures in a row end in "crashed" (5 in the test config).
  let last = restarted.pid!;
  process.kill(last, 'SIGKILL');
  for (let kills = 2; kills < 5; kills++) {
    last = await eventually(async () => {
      const status = await berth.client.slot('a');
      assert.ok(status.pid && status.pid !== last, `waiting for a pid other than ${last}: ${JSON.stringify({ state: status.state, pid: status.pid, restarts: status.restarts, reason: status.reason })}`);
      return status.pid;
    });
    process.kill(last, 'SIGKILL');
  }
  const crashed = await eventually(async () => {
    const status = await berth.client.slot('a');
    assert.equal(status.state, 'crashed');
    return status;
  });
  assert.match(crashed.reason!, /was killed by SIGKILL within \d+ ms, 5 times in a row/);
  const page = await request(berth.slotUrl('a'));
  assert.equal(page.status, 503);
  assert.match(page.body, /crashed/);
  const events = await berth.client.events('a');
  assert.ok(events.some((event) => event.type === 'app.crashed'));
});

test('an app above its memory limit is restarted with a recorded event', async () => {
  await berth.client.deploy('mem', fixture('grows-memory'));
  const firstPid = (await berth.client.slot('mem')).pid;
  await eventually(async () => {
    const events = await berth.client.events('mem');
    assert.ok(events.some((event) => event.type === 'app.memory-limit' && /above the limit of 150 MiB/.test(event.message)));
  });
  await eventually(async () => assert.notEqual((await berth.client.slot('mem')).pid, firstPid));
  await berth.client.stop('mem');
});

test('a slot port already in use stops the daemon from starting, naming the pid that holds it', async () => {
  const port = await getFreePort();
  const squatter = http.createServer().listen(port, '127.0.0.1');
  await new Promise((resolve) => squatter.once('listening', resolve));
  try {
    await assert.rejects(
      startTestDaemon({ config: { slots: [{ name: 'x', port }] } }),
      (error: BerthError) => error.code === 'ERR_PORT_IN_USE' && error.message.includes(`pid ${process.pid}`) && error.message.includes(String(port)),
    );
  } finally {
    squatter.close();
  }
});

test('shutting down during a deploy lets it finish, refuses queued work, and leaves no process behind', async () => {
  const other = await startTestDaemon({ slots: [{ name: 'a' }] });
  const home = other.home;
  await other.client.changeEnv('a', { set: { START_DELAY_MS: '800' } });
  const deploying = other.client.deploy('a', fixture('slow-start')).then(
    () => 'finished',
    (error) => error.code,
  );
  const queued = other.client.deploy('a', fixture('echo')).then(
    () => 'ran',
    (error) => error.code,
  );
  await eventually(() => assert.ok(processesInside(path.join(home, 'slots')).length > 0, 'the slow starter is running'));
  await other.daemon.close();
  assert.deepEqual(processesInside(path.join(home, 'slots')), []);
  const outcome = await deploying;
  // The client sees the result, or that berth stopped (while the daemon let the deploy finish before exiting).
  assert.ok(['finished', 'ERR_DAEMON_UNREACHABLE', 'ERR_SHUTTING_DOWN'].includes(outcome), String(outcome));
  assert.ok(['ERR_SHUTTING_DOWN', 'ERR_DAEMON_UNREACHABLE'].includes(await queued));
  removeDir(home);
});
