// Recognising a Coder workspace and the public URLs and slugs of berth's subdomain apps there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coderAppLabel, coderAppUrl, detectCoder } from '../../src/coder/coder-env.js';
import { slugProblem } from '../../src/coder/slugs.js';

const workspaceEnv = {
  CODER: 'true',
  CODER_WORKSPACE_NAME: 'shop',
  CODER_WORKSPACE_AGENT_NAME: 'main',
  CODER_WORKSPACE_OWNER_NAME: 'ada',
  VSCODE_PROXY_URI: 'https://{{port}}--main--shop--ada.apps.example.com',
};

test('a Coder workspace is recognised; app URLs keep the agent, so old and new Coder both route them', () => {
  assert.equal(detectCoder({ PATH: '/usr/bin' }), null, 'a plain machine');
  const coder = detectCoder(workspaceEnv)!;
  assert.deepEqual([coder.agent, coder.workspace, coder.owner, coder.problem], ['main', 'shop', 'ada', null]);
  assert.equal(coderAppUrl(coder, 'a'), 'https://a--main--shop--ada.apps.example.com');
  assert.equal(coderAppUrl(coder, 'admin'), 'https://admin--main--shop--ada.apps.example.com');
  // A wildcard with a suffix in the label (*--apps.example.com) and no owner variable: names come from the URI.
  const suffixed = detectCoder({ CODER: 'true', VSCODE_PROXY_URI: 'https://{{port}}--dev--ws--bob--apps.example.com/' })!;
  assert.deepEqual([suffixed.agent, suffixed.workspace, suffixed.owner], ['dev', 'ws', 'bob']);
  assert.equal(coderAppUrl(suffixed, 'shop'), 'https://shop--dev--ws--bob--apps.example.com');
  assert.equal(coderAppLabel(suffixed, 'shop'), 'shop--dev--ws--bob--apps');
});

test('without a wildcard hostname, berth says subdomain apps cannot work and keeps port URLs', () => {
  const coder = detectCoder({ ...workspaceEnv, VSCODE_PROXY_URI: '' })!;
  assert.match(coder.problem!, /no wildcard app hostname, so subdomain apps cannot work/);
  assert.equal(coderAppUrl(coder, 'a'), null);
});

test('slugs: Coder’s rule, not a port, not reserved, unique, and the hostname label within 63 characters', () => {
  const coder = detectCoder(workspaceEnv)!;
  const others = new Map([['b', 'b'], ['shop', 'c']]);
  const problem = (slug: string) => slugProblem(slug, { otherSlugs: others, coder });
  assert.equal(problem('my-shop'), null);
  assert.equal(problem('a1'), null);
  for (const bad of ['My-Shop', '-shop', 'shop-', 'sh--op', 'sh_op', '']) assert.match(problem(bad)!, /Coder’s rule/, bad);
  assert.match(problem('3000')!, /port number/);
  assert.match(problem('8443s')!, /port number/);
  assert.equal(problem('123'), null, 'three digits are not a port to Coder');
  assert.match(problem('admin')!, /berth's own app names/);
  assert.match(problem('hooks')!, /berth's own app names/);
  assert.match(problem('shop-convex')!, /berth's own app names/);
  assert.match(problem('shop')!, /slot c already uses it/);
  assert.match(problem('x'.repeat(50))!, /would be 67 characters, and DNS allows 63/);
  assert.equal(slugProblem('x'.repeat(40), { otherSlugs: new Map(), coder: null }), 'at most 32 characters');
});
