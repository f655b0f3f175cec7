// A git token from Coder's external auth: a stand-in `coder` executable on the daemon's PATH prints a token (as
// `coder external-auth access-token github` does in a workspace), and a local git HTTP server accepts only that token.
// The token reaches git for the fetch and is never stored or logged; without it, or for another host, nothing is asked.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestRepo, serverSource } from '../helpers/git-repos.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { makeTempDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

const TOKEN = 'gho_fromCoderExternalAuth0123456789';
let berth: TestDaemon;
let host: GitHttpServer;
let url: string;
let standIn: string;

before(async () => {
  const repo = createTestRepo({ 'package.json': JSON.stringify({ name: 'fx', private: true, scripts: { start: 'node server.js' } }), 'server.js': serverSource('via-coder') });
  host = await startGitHttpServer(path.dirname(repo.bareDir), { username: 'x-access-token', token: TOKEN });
  url = host.urlOf(repo.bareDir);
  // Stand-in for the coder CLI: records its arguments; prints the token, or fails as an unauthenticated coder does.
  standIn = makeTempDir('berth-coder-bin-');
  fs.writeFileSync(
    path.join(standIn, 'coder'),
    `#!/bin/sh\necho "$@" >> "${standIn}/calls"\nif [ -f "${standIn}/fail" ]; then echo "You must authenticate with GitHub: https://coder.example/external-auth/github" >&2; exit 1; fi\necho ${TOKEN}\n`,
    { mode: 0o755 },
  );
  berth = await startTestDaemon({
    slots: [{ name: 'a' }],
    env: { PATH: `${standIn}:${process.env.PATH}`, CODER: 'true', CODER_AGENT_TOKEN: 'agent-token' },
    config: { coder: { externalAuth: 'github', externalAuthHosts: [new URL(url).host] } },
  });
  await berth.client.updateSettings('a', { repo: url });
});
after(async () => {
  await host.close();
  await berth.close();
});

const calls = () => (fs.existsSync(path.join(standIn, 'calls')) ? fs.readFileSync(path.join(standIn, 'calls'), 'utf8').trim().split('\n') : []);
const logOf = async (id: string) => (await berth.client.deployLog(id)).lines.map((line) => line.text).join('\n');

test('with no token of its own, the fetch gets one from coder external-auth; it is not stored or logged', async () => {
  const done = await berth.client.deploy('a');
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.deepEqual(calls(), ['external-auth access-token github']);
  const log = await logOf(done.id);
  assert.match(log, /git token from Coder's external auth \(github\) for this fetch; not stored/);
  assert.doesNotMatch(log, new RegExp(TOKEN));
  const leaks = fs.readdirSync(berth.home, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && fs.readFileSync(path.join(entry.parentPath, entry.name)).includes(TOKEN));
  assert.deepEqual(leaks.map((entry) => entry.name), [], 'the token is in no file of BERTH_HOME');
  assert.equal((await berth.client.settings('a')).gitToken, 'none');
});

test('when coder gives no token, the deploy log says why and the fetch fails as unauthenticated', async () => {
  fs.writeFileSync(path.join(standIn, 'fail'), '');
  try {
    await assert.rejects(berth.client.deploy('a'), (error: Error & { code?: string }) => error.code === 'ERR_GIT_AUTH');
    const [done] = await berth.client.deployments('a');
    assert.match(await logOf(done.id), /warning: coder external-auth access-token github gave no token \(You must authenticate with GitHub/);
  } finally {
    fs.rmSync(path.join(standIn, 'fail'));
  }
});

test('another host never gets the token: coder is not asked', async () => {
  const other = await startTestDaemon({ slots: [{ name: 'a' }], env: { PATH: `${standIn}:${process.env.PATH}` } });
  try {
    const before = calls().length;
    await other.client.updateSettings('a', { repo: url });
    // The default hosts are github.com only.
    await assert.rejects(other.client.deploy('a'), (error: Error & { code?: string }) => error.code === 'ERR_GIT_AUTH');
    assert.equal(calls().length, before);
  } finally {
    await other.close();
  }
});
