// Which env values are secret, how logs are redacted, how pasted .env text is read, and the sign-in rate limiter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter } from '../../src/auth/rate-limit.js';
import { isBerthError } from '../../src/errors/berth-error.js';
import { parseDotenv } from '../../src/slots/dotenv-text.js';
import { createRedactor, isSecret, maskSecrets } from '../../src/slots/secrets.js';

test('keys that look secret are secret; so are marked keys and URLs that carry a password', () => {
  for (const key of ['API_KEY', 'STRIPE_SECRET', 'GITHUB_TOKEN', 'DB_PASSWORD', 'PASSWORD', 'DATABASE_URL', 'GOOGLE_APPLICATION_CREDENTIALS', 'SSH_PRIVATE_KEY']) assert.equal(isSecret(key, 'x', []), true, key);
  for (const key of ['API_URL', 'PORTAL', 'KEYBOARD_LAYOUT', 'NODE_ENV', 'TOKENIZER_MODEL']) assert.equal(isSecret(key, 'x', []), false, key);
  assert.equal(isSecret('CUSTOM', 'x', ['CUSTOM']), true);
  assert.equal(isSecret('REDIS_URL', 'redis://default:hunter22@cache:6379', []), true);
  assert.equal(isSecret('SITE_URL', 'https://example.com/path', []), false);
  assert.deepEqual(maskSecrets({ API_KEY: 'k', MODE: 'dev' }, []), { API_KEY: '••••••••', MODE: 'dev' });
});

test('the redactor masks every occurrence, longest secret first, and leaves short values alone', () => {
  const redact = createRedactor(['abcd1234', 'abcd1234-extended', 'on', null]);
  assert.equal(redact('a abcd1234-extended b abcd1234 c'), 'a •••••••• b •••••••• c');
  assert.equal(redact('turn it on'), 'turn it on');
  assert.equal(createRedactor([])('unchanged'), 'unchanged');
});

test('.env text: comments, export, quotes, escapes and multi-line values; unreadable lines are reported', () => {
  const parsed = parseDotenv(`# a comment
export NODE_ENV=production
PLAIN = value with spaces   # trailing comment
EMPTY=
SINGLE='$literal # not a comment'
DOUBLE="line one\\nline two"
MULTI="first
second"
URL=https://example.com/?a=1&b=2
`);
  assert.deepEqual(parsed, {
    NODE_ENV: 'production',
    PLAIN: 'value with spaces',
    EMPTY: '',
    SINGLE: '$literal # not a comment',
    DOUBLE: 'line one\nline two',
    MULTI: 'first\nsecond',
    URL: 'https://example.com/?a=1&b=2',
  });
  assert.throws(
    () => parseDotenv('GOOD=1\nthis is not an assignment\n9BAD=2\nOPEN="never closed'),
    (error: unknown) => isBerthError(error) && error.code === 'ERR_ENV_INVALID' && /line 2/.test(error.message) && /line 3/.test(error.message) && /never closed/.test(error.message),
  );
});

test('the sign-in limiter refuses after the limit within the window, per key, and forgets after it', () => {
  let now = 0;
  const limiter = createRateLimiter({ limit: 3, windowMs: 1000, maxKeys: 2, now: () => now });
  for (let i = 0; i < 3; i++) limiter.fail('10.0.0.1');
  assert.ok(limiter.retryAfter('10.0.0.1') > 0);
  assert.equal(limiter.retryAfter('10.0.0.2'), 0);
  now = 1001;
  assert.equal(limiter.retryAfter('10.0.0.1'), 0, 'the window passed');
  for (const key of ['a', 'b', 'c']) limiter.fail(key);
  assert.equal(limiter.retryAfter('a'), 0, 'memory is bounded: the oldest key was forgotten');
});
