import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveInside } from '../../src/front/static-files.js';

test('paths resolve inside the site root', () => {
  assert.equal(resolveInside('/srv/site', '/'), '/srv/site');
  assert.equal(resolveInside('/srv/site', '/css/app.css'), '/srv/site/css/app.css');
  assert.equal(resolveInside('/srv/site', '/a%20b.html'), '/srv/site/a b.html');
});

test('no path escapes the root, however it is spelled', () => {
  for (const attempt of ['/../etc/passwd', '/..%2f..%2fetc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/a/../../etc/passwd', '/..\\..\\etc']) {
    const resolved = resolveInside('/srv/site', attempt);
    assert.ok(resolved === null || resolved.startsWith('/srv/site/') || resolved === '/srv/site', `${attempt} → ${resolved}`);
  }
  assert.equal(resolveInside('/srv/site', '/%E0%A4%A'), null, 'malformed escapes are refused');
  assert.equal(resolveInside('/srv/site', '/a%00.html'), null, 'NUL bytes are refused');
});

test('a sibling folder with the same prefix is not inside', () => {
  assert.equal(resolveInside('/srv/site', '/../site-secrets/key'), '/srv/site/site-secrets/key');
});
