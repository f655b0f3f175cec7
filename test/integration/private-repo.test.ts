// Private repositories: an HTTPS token reaches git only through berth's askpass helper — never a URL, a log line,
// an API answer or the git cache — and a slot's SSH deploy key is generated with ssh-keygen and shown as a public key.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { BerthApiError } from '../../src/sdk/client.js';
import { runCli } from '../helpers/berth-process.js';
import { createTestRepo, serverSource } from '../helpers/git-repos.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

const TOKEN = 'ghp_testTOKEN0123456789abcdefSECRET';
let berth: TestDaemon;
let host: GitHttpServer;
let url: string;

before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }] });
  const repo = createTestRepo({ 'package.json': JSON.stringify({ name: 'fx', private: true, scripts: { start: 'node server.js' } }), 'server.js': serverSource('private') });
  host = await startGitHttpServer(path.dirname(repo.bareDir), { username: 'x-access-token', token: TOKEN });
  url = host.urlOf(repo.bareDir);
  await berth.client.updateSettings('a', { repo: url });
});
after(async () => {
  await host.close();
  await berth.close();
});

/** Every file under a folder that contains the text (the state database is allowed to hold the token). */
function filesContaining(root: string, text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || /state\.db(-wal|-shm)?$/.test(file)) continue;
    if (fs.readFileSync(file).includes(text)) found.push(path.relative(root, file));
  }
  return found;
}

test('without a token the fetch is refused with a clear error; with one the private repository deploys', async () => {
  const refused = await berth.client.deploy('a').then(
    () => assert.fail('a private repository needs a token'),
    (error: BerthApiError) => error,
  );
  assert.equal(refused.code, 'ERR_GIT_AUTH');
  assert.match(refused.remedy ?? '', /berth git-token set/);

  const setToken = await runCli(berth.home, ['git-token', 'set'], TOKEN);
  assert.equal(setToken.code, 0, setToken.stderr);
  assert.match(setToken.stdout, /git token stored for the workspace/);
  const deployment = await berth.client.deploy('a');
  assert.equal(deployment.status, 'succeeded');
  assert.equal(((await (await fetch(berth.slotUrl('a'))).json()) as { version: string }).version, 'private');
  assert.ok(host.seenAuthorizations.length > 0, 'git sent credentials');
});

test('the token appears in no URL, log, API answer or file of BERTH_HOME besides the state database', async () => {
  const settings = await berth.client.settings('a');
  assert.equal(settings.gitToken, 'workspace');
  assert.equal(settings.settings.repo, url);
  const answers = JSON.stringify([settings, await berth.client.deployments('a'), await berth.client.releases('a'), await berth.client.status(), await berth.client.events('a')]);
  assert.equal(answers.includes(TOKEN), false);
  for (const deployment of await berth.client.deployments('a')) {
    assert.equal(JSON.stringify(await berth.client.deployLog(deployment.id)).includes(TOKEN), false);
  }
  assert.deepEqual(filesContaining(berth.home, TOKEN), []);
  const show = await runCli(berth.home, ['slot', 'show', 'a']);
  assert.match(show.stdout, /git token\s+set \(workspace\)/);
  assert.equal(show.stdout.includes(TOKEN), false);
});

test('a slot token overrides the workspace one; clearing it falls back', async () => {
  await berth.client.setGitToken('wrong-token-value', { slot: 'a' });
  assert.equal((await berth.client.settings('a')).gitToken, 'slot');
  const refused = await berth.client.deploy('a').then(
    () => assert.fail('the wrong slot token is used'),
    (error: BerthApiError) => error,
  );
  assert.equal(refused.code, 'ERR_GIT_AUTH');
  await berth.client.clearGitToken('a');
  assert.equal((await berth.client.deploy('a')).status, 'succeeded');
});

test('berth slot deploy-key makes an ed25519 key pair once and prints the public key', async () => {
  const first = await runCli(berth.home, ['slot', 'deploy-key', 'b']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout.trim(), /^ssh-ed25519 [A-Za-z0-9+/=]+ berth-slot-b@/);
  assert.match(first.stderr, /read-only deploy key/);
  const keyFile = path.join(berth.home, 'slots', 'b', 'deploy_key');
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
  assert.equal((await runCli(berth.home, ['slot', 'deploy-key', 'b'])).stdout, first.stdout, 'the same key the second time');
  const rotated = await runCli(berth.home, ['slot', 'deploy-key', 'b', '--rotate']);
  assert.notEqual(rotated.stdout, first.stdout);
  assert.equal(JSON.stringify(await berth.client.settings('b')).includes('PRIVATE KEY'), false);
});
