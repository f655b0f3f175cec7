import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLineSplitter } from '../../src/logs/line-splitter.js';

test('lines split across chunks are joined; CRLF is trimmed; the rest is flushed at the end', () => {
  const splitter = createLineSplitter(1024);
  assert.deepEqual(splitter.push(Buffer.from('one\ntw')), ['one']);
  assert.deepEqual(splitter.push(Buffer.from('o\r\nthree')), ['two']);
  assert.deepEqual(splitter.flush(), ['three']);
  assert.deepEqual(splitter.flush(), []);
});

test('a multi-byte character split between chunks survives', () => {
  const splitter = createLineSplitter(1024);
  const bytes = Buffer.from('héllo ✓\n');
  assert.deepEqual(splitter.push(bytes.subarray(0, 2)), []);
  assert.deepEqual(splitter.push(bytes.subarray(2)), ['héllo ✓']);
});

test('an over-long line is cut and marked, never buffered without bound', () => {
  const splitter = createLineSplitter(10);
  const [line] = splitter.push(Buffer.from(`${'x'.repeat(25)}\n`));
  assert.equal(line, `${'x'.repeat(10)} …[line cut at 10 bytes]`);
  const partial = splitter.push(Buffer.from('y'.repeat(30)));
  assert.equal(partial.length, 1);
  assert.match(partial[0], /line cut at 10 bytes/);
});
