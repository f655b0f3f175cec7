// App logs through the daemon: nothing lost under a flood across rotations; followers resume by cursor.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { LogLineView } from '../../src/sdk/schemas.js';
import { fixture } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';
import { eventually } from '../helpers/wait.js';

let berth: TestDaemon;
before(async () => {
  // Small files so a flood rotates many times; enough of them that nothing is dropped by retention.
  berth = await startTestDaemon({ config: { logs: { maxFileBytes: 256 * 1024, maxFiles: 200, maxLineBytes: 16_384 } } });
});
after(() => berth.close());

test('200,000 numbered lines printed as fast as possible all arrive, in order, across rotations', async () => {
  await berth.client.changeEnv('a', { set: { FLOOD_LINES: '200000' } });
  const received: LogLineView[] = [];
  const controller = new AbortController();
  const following = berth.client.followLogs('a', { tail: 0 }, (message) => {
    if (message.type === 'lines') received.push(...message.lines);
    else assert.fail(`lines were missed: ${message.count} (${message.reason})`);
  }, controller.signal);
  await berth.client.deploy('a', fixture('log-flood'));
  await eventually(() => assert.ok(received.some((line) => line.text === 'flood done'), 'the flood ended'), { timeoutMs: 60_000, what: 'the flood to end' });
  controller.abort();
  await following;
  const numbers = received.filter((line) => line.stream === 'out' && line.text.startsWith('line ')).map((line) => Number(line.text.slice(5)));
  assert.equal(numbers.length, 200_000);
  numbers.forEach((value, index) => {
    if (value !== index + 1) assert.fail(`line ${index + 1} arrived as ${value}`);
  });
  const seqs = received.map((line) => line.seq);
  assert.ok(seqs.every((seq, index) => index === 0 || seq === seqs[index - 1] + 1), 'cursors are contiguous');
  const rotated = fs.readdirSync(`${berth.home}/logs/slots/a`).filter((file) => file.startsWith('segment-'));
  assert.ok(rotated.length > 10, `the log rotated (${rotated.length} segments)`);
});

test('a reader resumes from its cursor with no gap and no duplicate, also when following', async () => {
  const first = await berth.client.logs('a', { tail: 5 });
  assert.equal(first.lines.length, 5);
  await berth.client.restart('a');
  const rest = await berth.client.logs('a', { after: first.cursor });
  assert.equal(rest.missed, 0);
  assert.equal(rest.lines[0].seq, first.cursor + 1);
  const fromCursor: LogLineView[] = [];
  const controller = new AbortController();
  const following = berth.client.followLogs('a', { after: first.cursor }, (message) => message.type === 'lines' && fromCursor.push(...message.lines), controller.signal);
  await eventually(() => assert.ok(fromCursor.length >= rest.lines.length, 'every line after the cursor arrived'));
  controller.abort();
  await following;
  assert.deepEqual(fromCursor.slice(0, rest.lines.length).map((line) => line.seq), rest.lines.map((line) => line.seq));
});

test('logs are kept per release and can be filtered by it', async () => {
  const { live } = await berth.client.releases('a');
  const page = await berth.client.logs('a', { tail: 50, release: live! });
  assert.ok(page.lines.length > 0);
  assert.ok(page.lines.every((line) => line.release === live));
});

test('logs of an unknown slot are refused with the slot names', async () => {
  await assert.rejects(berth.client.logs('zz', { tail: 5 }), (error: { code: string; message: string }) => error.code === 'ERR_SLOT_UNKNOWN' && /"zz"; the slots are a, b/.test(error.message));
});
