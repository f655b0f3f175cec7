// Deploying folders into slots through the API: health-gated switches with zero failed requests, and clear failures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BerthApiError } from '../../src/sdk/client.js';
import { request, startLoad } from '../helpers/http.js';
import { fixture } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], config: { health: { path: '/', timeoutMs: 4_000, intervalMs: 50 } } });
});
after(() => berth.close());

async function rejection(promise: Promise<unknown>): Promise<BerthApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof BerthApiError, `expected a BerthApiError, got ${error}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

test('a deployed Node.js app answers at its slot, started with PORT on an internal port', async () => {
  assert.match((await request(berth.slotUrl('a'))).body, /Slot <code>a<\/code> is ready/);
  const deployment = await berth.client.deploy('a', fixture('echo'));
  assert.equal(deployment.status, 'succeeded');
  assert.deepEqual(deployment.stages.map((stage) => stage.name), ['copy', 'detect', 'install', 'build', 'start', 'health', 'switch', 'drain']);
  const seen = JSON.parse((await request(`${berth.slotUrl('a')}/hi`)).body);
  assert.equal(seen.url, '/hi');
  assert.equal(seen.release, '1');
  const status = await berth.client.slot('a');
  assert.equal(status.state, 'running');
  assert.equal(status.pid, seen.pid);
  assert.equal(seen.env.PORT, String(status.port));
  assert.ok(status.port! >= berth.config.internalPorts.from && status.port! <= berth.config.internalPorts.to);
});

test('redeploying under keep-alive load swaps releases with zero failed requests, and stops the old process', async () => {
  await berth.client.deploy('a', fixture('echo'));
  const load = startLoad(berth.slotUrl('a'), 6);
  const pids: number[] = [];
  for (let round = 0; round < 4; round++) {
    pids.push((await berth.client.slot('a')).pid!);
    await berth.client.deploy('a', fixture('echo'));
  }
  const counts = await load.stop();
  assert.equal(counts.failed, 0, `failures: ${counts.failures.slice(0, 5).join(', ')}`);
  assert.ok(counts.ok > 50, `load ran (${counts.ok} answers)`);
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'old release processes are stopped');
});

test('a release that exits at once is stopped, the old one keeps serving, and the error quotes its stderr', async () => {
  await berth.client.deploy('b', fixture('echo'));
  const before = await berth.client.slot('b');
  const error = await rejection(berth.client.deploy('b', fixture('crash-at-once')));
  assert.equal(error.code, 'ERR_DEPLOY_START_FAILED');
  assert.match(error.message, /exited before it answered HTTP/);
  assert.match(error.message, /fatal: DATABASE_URL is not set/);
  assert.ok(error.remedy);
  const after = await berth.client.slot('b');
  assert.equal(after.release, before.release);
  assert.equal(after.pid, before.pid);
  assert.equal((await request(berth.slotUrl('b'))).status, 200);
  const [latest] = await berth.client.deployments('b');
  assert.equal(latest.status, 'failed');
  assert.equal(latest.error?.code, 'ERR_DEPLOY_START_FAILED');
  const { releases } = await berth.client.releases('b');
  assert.ok(releases.every((release) => release.seq !== latest.releaseSeq), 'the failed release is not offered for rollback');
});

test('a static site is served by the front itself, and keeps serving when a failed deploy follows it', async () => {
  const deployment = await berth.client.deploy('b', fixture('static-site'));
  assert.equal(deployment.status, 'succeeded');
  const page = await request(berth.slotUrl('b'));
  assert.match(page.body, /static fixture home/);
  const status = await berth.client.slot('b');
  assert.equal(status.kind, 'static');
  assert.equal(status.pid, null);
  await rejection(berth.client.deploy('b', fixture('crash-at-once')));
  assert.match((await request(berth.slotUrl('b'))).body, /static fixture home/);
  assert.equal((await berth.client.slot('b')).state, 'running');
});

test('bad deploy input gets a clear error naming the value', async () => {
  const missing = await rejection(berth.client.deploy('a', '/no/such/folder'));
  assert.equal(missing.code, 'ERR_DEPLOY_SOURCE_MISSING');
  assert.match(missing.message, /\/no\/such\/folder/);
  const unknownSlot = await rejection(berth.client.deploy('zz', fixture('echo')));
  assert.equal(unknownSlot.code, 'ERR_SLOT_UNKNOWN');
  assert.match(unknownSlot.message, /"zz".*a, b/);
  const unrecognised = await rejection(berth.client.deploy('a', fixture('.')));
  assert.equal(unrecognised.code, 'ERR_DEPLOY_SOURCE_UNRECOGNISED');
});

test('a slow starter is waited for; one that never answers fails with ERR_DEPLOY_HEALTH_TIMEOUT and its page says so', async () => {
  await berth.client.changeEnv('c', { set: { START_DELAY_MS: '1500' } });
  assert.equal((await berth.client.deploy('c', fixture('slow-start'))).status, 'succeeded');
  assert.match((await request(berth.slotUrl('c'))).body, /ready after 1500 ms/);
  await berth.client.stop('c');
  await berth.client.changeEnv('c', { set: { START_DELAY_MS: '600000' } });
  const error = await rejection(berth.client.start('c'));
  assert.equal(error.code, 'ERR_DEPLOY_HEALTH_TIMEOUT');
  assert.match(error.message, /did not answer HTTP on port \d+ at \/ within 4.0 s \(nothing listening on port \d+\)/);
  const status = await berth.client.slot('c');
  assert.equal(status.state, 'crashed');
  assert.match(status.reason!, /did not answer HTTP/);
  const page = await request(berth.slotUrl('c'));
  assert.equal(page.status, 503);
  assert.match(page.body, /failed to start/);
});

test('operations queued behind a deploy act on what is live when their turn comes, and concurrent env changes all land', async () => {
  await berth.client.changeEnv('c', { set: { START_DELAY_MS: '300' } });
  await berth.client.deploy('c', fixture('echo'));
  const deploying = berth.client.deploy('c', fixture('slow-start'));
  const restarting = berth.client.restart('c');
  await Promise.all([deploying, restarting]);
  const { live, releases } = await berth.client.releases('c');
  assert.equal(live, releases[0].seq, 'the restart did not bring back the release the deploy replaced');
  assert.match((await request(berth.slotUrl('c'))).body, /ready after 300 ms/);

  await Promise.all([berth.client.changeEnv('c', { set: { FIRST: '1' } }), berth.client.changeEnv('c', { set: { SECOND: '2' } })]);
  const env = (await berth.client.env('c')).env;
  assert.equal(env.FIRST, '1');
  assert.equal(env.SECOND, '2');
});
