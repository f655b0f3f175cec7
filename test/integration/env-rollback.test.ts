// Env changes roll out as new releases with zero downtime; rollback returns to a kept release with the env it had.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BerthApiError } from '../../src/sdk/client.js';
import { request, startLoad } from '../helpers/http.js';
import { fixture } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
before(async () => {
  berth = await startTestDaemon({ env: { DAEMON_ONLY_SECRET: 'must-not-leak' }, config: { releases: { keep: 3 } } });
  await berth.client.deploy('a', fixture('echo'));
});
after(() => berth.close());

const seenByApp = async () => JSON.parse((await request(berth.slotUrl('a'))).body);

test("apps get a clean env: the daemon's own variables do not leak, PORT and BERTH_SLOT are set", async () => {
  const seen = await seenByApp();
  assert.equal(seen.env.DAEMON_ONLY_SECRET, undefined);
  assert.equal(seen.env.BERTH_SLOT, 'a');
  assert.equal(seen.env.NODE_ENV, 'production');
  assert.ok(seen.env.PATH);
});

test('an env change rolls out as a new release under load with zero failed requests', async () => {
  const load = startLoad(berth.slotUrl('a'), 4);
  const result = await berth.client.changeEnv('a', { set: { GREETING: 'hello', API_TOKEN: 'tok-123456' } });
  await berth.client.changeEnv('a', { set: { GREETING: 'hi again' } });
  const counts = await load.stop();
  assert.equal(counts.failed, 0, counts.failures.slice(0, 5).join(', '));
  assert.equal(result.deployment?.trigger, 'env');
  assert.equal(result.env.API_TOKEN, '••••••••', 'values are masked in answers');
  const seen = await seenByApp();
  assert.equal(seen.greeting, 'hi again');
  assert.equal(seen.env.API_TOKEN, 'tok-123456');
  const listed = await berth.client.env('a');
  assert.deepEqual(listed.env, { GREETING: 'hi again', API_TOKEN: '••••••••' }, 'a key that looks secret is masked; others are shown');
  assert.deepEqual(listed.secrets, ['API_TOKEN']);
  assert.equal(await berth.client.revealEnv('a', 'API_TOKEN'), 'tok-123456');
});

test('reserved and malformed names are refused with a clear error, and nothing changes', async () => {
  const before = await berth.client.slot('a');
  for (const [changes, code] of [
    [{ set: { PORT: '1' } }, 'ERR_ENV_RESERVED'],
    [{ set: { 'BAD-NAME': '1' } }, 'ERR_ENV_INVALID'],
    [{ unset: ['BERTH_SLOT'] }, 'ERR_ENV_RESERVED'],
  ] as const) {
    await assert.rejects(berth.client.changeEnv('a', changes), (error: BerthApiError) => error.code === code && error.message.length > 10);
  }
  assert.equal((await berth.client.slot('a')).release, before.release);
});

test('rollback switches to a kept release with the env it had, without downtime; unknown releases are refused', async () => {
  const { releases, live } = await berth.client.releases('a');
  const original = releases.find((release) => release.envKeys.length === 0)!;
  const load = startLoad(berth.slotUrl('a'), 4);
  const deployment = await berth.client.rollback('a', original.seq);
  const counts = await load.stop();
  assert.equal(counts.failed, 0, counts.failures.slice(0, 5).join(', '));
  assert.equal(deployment.trigger, 'rollback');
  const seen = await seenByApp();
  assert.equal(seen.release, String(original.seq));
  assert.equal(seen.greeting, null, 'the env of that release, without GREETING');
  assert.deepEqual((await berth.client.env('a')).env, {}, "the slot's env is the rolled-back release's");
  await berth.client.rollback('a', live!);
  assert.equal((await seenByApp()).greeting, 'hi again');
  await assert.rejects(berth.client.rollback('a', 999), (error: BerthApiError) => error.code === 'ERR_RELEASE_UNKNOWN' && /999/.test(error.message));
});

test('only the newest releases are kept (3 here), plus the live one', async () => {
  for (let index = 0; index < 4; index++) await berth.client.deploy('a', fixture('echo'));
  const { releases, live } = await berth.client.releases('a');
  assert.equal(releases.length, 3);
  assert.equal(releases[0].seq, live);
});
