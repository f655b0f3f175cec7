import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import { decideRestart, freshHistory, type RestartHistory, type RunEnd } from '../../src/supervisor/restart-policy.js';

const policy = resolveConfig({}, '/tmp/unused').restart;
const run = (startedAt: number, uptimeMs: number, code: number | null = 1, signal: string | null = null): RunEnd => ({ startedAt, endedAt: startedAt + uptimeMs, code, signal });

test('the default policy: minimum uptime 1 s, backoff ×1.5 capped at 15 s, 16 fast failures', () => {
  assert.equal(policy.minUptimeMs, 1000);
  assert.equal(policy.factor, 1.5);
  assert.equal(policy.maxDelayMs, 15_000);
  assert.equal(policy.maxFastFailures, 16);
});

test('the first restart is immediate; then fast failures back off by ×1.5 up to the cap, and the 16th gives up with a plain reason', () => {
  let history: RestartHistory = freshHistory;
  let clock = 0;
  const delays: number[] = [];
  for (let attempt = 1; attempt < 16; attempt++) {
    const decision = decideRestart(policy, history, run(clock, 300));
    assert.equal(decision.action, 'restart', `attempt ${attempt}`);
    if (decision.action !== 'restart') return;
    delays.push(decision.delayMs);
    history = decision.history;
    clock += 300 + decision.delayMs;
  }
  assert.deepEqual(delays.slice(0, 5), [0, 100, 150, 225, 338]);
  assert.ok(delays.every((delay, index) => index === 0 || delay >= delays[index - 1]), 'delays never shrink');
  assert.equal(Math.max(...delays), 15_000);
  const last = decideRestart(policy, history, run(clock, 300));
  assert.equal(last.action, 'give-up');
  if (last.action === 'give-up') assert.equal(last.reason, 'exited with code 1 within 300 ms, 16 times in a row');
});

test('a run longer than the minimum uptime resets the fast-failure count, but not the backoff', () => {
  const history = { fastFailures: 10, restarts: 5, lastDelayMs: 1000 };
  const decision = decideRestart(policy, history, run(0, 5_000));
  assert.equal(decision.action, 'restart');
  assert.equal(decision.history.fastFailures, 0);
  assert.equal(decision.action === 'restart' && decision.delayMs, 1500);
});

test('after a run that was stable for resetAfterMs, the restart is immediate again', () => {
  const decision = decideRestart(policy, { fastFailures: 0, restarts: 9, lastDelayMs: 15_000 }, run(0, 60_000));
  assert.equal(decision.action === 'restart' && decision.delayMs, 0);
  assert.equal(decision.history.restarts, 1);
});

test('a death by signal is described as such', () => {
  const decision = decideRestart({ ...policy, maxFastFailures: 1 }, freshHistory, run(0, 40, null, 'SIGSEGV'));
  assert.equal(decision.action === 'give-up' && decision.reason, 'was killed by SIGSEGV within 40 ms, once');
});
