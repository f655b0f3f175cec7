import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger, redactValues } from '../../src/log/logger.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';
import { eventually } from '../helpers/wait.js';

test('secret values are replaced wherever they appear in a log line', () => {
  assert.equal(redactValues('{"msg":"token abcd1234 used","x":"abcd1234"}', ['abcd1234']), '{"msg":"token [redacted] used","x":"[redacted]"}');
  assert.equal(redactValues('short ab', ['ab']), 'short ab', 'values under 4 characters are not treated as secrets');
});

test('a logger writes JSON lines to its file, with and without secrets to redact', async () => {
  const dir = makeTempDir();
  try {
    const plain = createLogger({ destination: path.join(dir, 'plain.log') });
    plain.info({ slot: 'a' }, 'hello');
    const guarded = createLogger({ destination: path.join(dir, 'guarded.log'), secrets: () => ['s3cr3t-value'] });
    guarded.info({ token: 's3cr3t-value' }, 'uses s3cr3t-value');
    plain.flush();
    guarded.flush();
    await eventually(() => {
      assert.match(fs.readFileSync(path.join(dir, 'plain.log'), 'utf8'), /"slot":"a".*"msg":"hello"/);
      const guardedText = fs.readFileSync(path.join(dir, 'guarded.log'), 'utf8');
      assert.match(guardedText, /\[redacted\]/);
      assert.doesNotMatch(guardedText, /s3cr3t-value/);
    });
  } finally {
    removeDir(dir);
  }
});
