import assert from 'node:assert/strict';
import fs from 'node:fs';
import { afterEach, beforeEach, test } from 'node:test';
import { openSlotLog } from '../../src/logs/slot-log.js';
import type { LogLine } from '../../src/logs/log-line.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('berth-log-');
});
afterEach(() => removeDir(dir));

const numbered = (from: number, count: number) => Array.from({ length: count }, (_, index) => `line ${from + index}`);

test('rotation renames the full file and reopens; rotated files beyond maxFiles are removed', () => {
  const log = openSlotLog({ dir, maxFileBytes: 4096, maxFiles: 2 });
  for (let batch = 0; batch < 40; batch++) log.append(1, 'out', numbered(batch * 10, 10));
  log.close();
  const files = fs.readdirSync(dir).sort();
  assert.ok(files.includes('current.log'));
  assert.equal(files.filter((file) => file.startsWith('segment-')).length, 2);
});

test('a reader resumes from its cursor across rotations with no gap and no duplicate', () => {
  const log = openSlotLog({ dir, maxFileBytes: 4096, maxFiles: 1000 });
  const seen: number[] = [];
  let cursor = 0;
  for (let batch = 0; batch < 50; batch++) {
    log.append(1, 'out', numbered(batch * 20, 20));
    const page = log.read({ after: cursor, limit: 7 });
    for (const line of page.lines) seen.push(line.seq);
    cursor = page.cursor;
  }
  for (;;) {
    const page = log.read({ after: cursor, limit: 100 });
    if (page.lines.length === 0) break;
    seen.push(...page.lines.map((line) => line.seq));
    cursor = page.cursor;
  }
  assert.deepEqual(seen, Array.from({ length: 1000 }, (_, index) => index + 1));
  log.close();
});

test('lines rotated away before a reader got them are reported as missed', () => {
  const log = openSlotLog({ dir, maxFileBytes: 4096, maxFiles: 1 });
  for (let batch = 0; batch < 100; batch++) log.append(1, 'out', numbered(batch * 10, 10));
  const page = log.read({ after: 0, limit: 5 });
  assert.ok(page.missed > 0);
  assert.equal(page.lines[0].seq, page.missed + 1);
  log.close();
});

test('tail, release filter, and seq that continues after reopening', () => {
  let log = openSlotLog({ dir, maxFileBytes: 1 << 20, maxFiles: 2 });
  log.append(1, 'out', ['a1', 'a2']);
  log.append(2, 'err', ['b1']);
  log.close();
  log = openSlotLog({ dir, maxFileBytes: 1 << 20, maxFiles: 2 });
  log.append(2, 'out', ['b2']);
  assert.deepEqual(log.read({ tail: 2 }).lines.map((line) => `${line.seq}:${line.text}`), ['3:b1', '4:b2']);
  assert.deepEqual(log.read({ release: 1 }).lines.map((line) => line.text), ['a1', 'a2']);
  log.close();
});

test('a follower gets the backlog from its cursor, then live lines, with nothing twice', () => {
  const log = openSlotLog({ dir, maxFileBytes: 4096, maxFiles: 100 });
  log.append(1, 'out', numbered(1, 50));
  const received: LogLine[] = [];
  const stop = log.follow(20, (lines) => received.push(...lines));
  log.append(1, 'out', numbered(51, 200));
  stop();
  log.append(1, 'out', ['after stop']);
  assert.deepEqual(
    received.map((line) => line.seq),
    Array.from({ length: 230 }, (_, index) => index + 21),
  );
  log.close();
});

test('reading from a cursor through a full-size segment (300,000 lines) returns them all', () => {
  const log = openSlotLog({ dir, maxFileBytes: 64 * 1024 * 1024, maxFiles: 2 });
  for (let batch = 0; batch < 300; batch++) log.append(1, 'out', numbered(batch * 1000, 1000));
  const page = log.read({ after: 0 });
  assert.equal(page.lines.length, 300_000);
  assert.equal(page.cursor, 300_000);
  log.close();
});

test('lines that arrive after the log closed (a process’s last output) are dropped, not written to a reused fd', () => {
  const log = openSlotLog({ dir, maxFileBytes: 1 << 20, maxFiles: 2 });
  log.append(1, 'out', ['before']);
  log.close();
  // The closed fd number is handed to the next file opened: the late line must not land there.
  const other = `${dir}/other.txt`;
  const otherFd = fs.openSync(other, 'w');
  try {
    assert.doesNotThrow(() => log.append(1, 'out', ['after']));
  } finally {
    fs.closeSync(otherFd);
  }
  assert.equal(fs.readFileSync(other, 'utf8'), '');
  assert.doesNotMatch(fs.readFileSync(`${dir}/current.log`, 'utf8'), /after/);
  log.close();
});
