// The kinds of app a repository can hold: a server written by its build, a static site built into dist/ (SPA
// fallback), and a pnpm monorepo whose app lives in a subfolder (installed from the root, built and run inside).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appWithBuild, staticSiteWithBuild } from '../helpers/fixture-repos.js';
import { createTestRepo } from '../helpers/git-repos.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
});
after(() => berth.close());

const logOf = async (id: string) => (await berth.client.deployLog(id)).lines.map((line) => line.text);

test('an app with a build step runs what its build wrote', async () => {
  const repo = createTestRepo(appWithBuild('built-v1'));
  await berth.client.updateSettings('a', { repo: repo.url });
  const deployment = await berth.client.deploy('a');
  const log = await logOf(deployment.id);
  assert.ok(log.includes('`build` script → npm run build'));
  assert.ok(log.includes('built dist/server.js'), 'the build output is in the deploy log');
  assert.equal(((await (await fetch(berth.slotUrl('a'))).json()) as { version: string }).version, 'built-v1');
});

test('a static site built into dist/ is served by the front, with SPA fallback', async () => {
  const repo = createTestRepo(staticSiteWithBuild('Built site'));
  await berth.client.updateSettings('b', { repo: repo.url });
  const deployment = await berth.client.deploy('b');
  assert.ok((await logOf(deployment.id)).some((line) => line.includes('dist/index.html found → static site from dist/')));
  const status = await berth.client.slot('b');
  assert.equal(status.kind, 'static');
  assert.equal(status.pid, null, 'no process runs for a static site');
  assert.match(await (await fetch(berth.slotUrl('b'))).text(), /<h1>Built site<\/h1>/);
  const deepLink = await fetch(`${berth.slotUrl('b')}/some/client/route`);
  assert.equal(deepLink.status, 200);
  assert.match(await deepLink.text(), /Built site/);
});

test('a pnpm monorepo: installed from the root with the lockfile, built and started in --root apps/web', async () => {
  const repo = createTestRepo(
    {
      'package.json': JSON.stringify({ name: 'fx-mono', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - apps/*\n  - packages/*\n',
      'packages/greeting/package.json': JSON.stringify({ name: '@fx/greeting', version: '1.0.0', main: 'index.js' }),
      'packages/greeting/index.js': "module.exports = 'hello from a workspace package';\n",
      'apps/web/package.json': JSON.stringify({ name: '@fx/web', private: true, dependencies: { '@fx/greeting': 'workspace:*' }, scripts: { build: 'node build.js', start: 'node dist/server.js' } }),
      'apps/web/build.js': "require('node:fs').mkdirSync('dist', { recursive: true });\nrequire('node:fs').writeFileSync('dist/server.js', require('node:fs').readFileSync('server.js'));\n",
      'apps/web/server.js': "const greeting = require('@fx/greeting');\nrequire('node:http').createServer((req, res) => res.end(greeting)).listen(Number(process.env.PORT), '127.0.0.1');\n",
    },
    {
      // The lockfile comes from pnpm itself (through corepack), as a real project's would.
      prepare: (work) => work.exec('corepack', ['pnpm', 'install', '--lockfile-only'], { COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', COREPACK_DEFAULT_TO_LATEST: '0' }),
    },
  );
  await berth.client.updateSettings('c', { repo: repo.url, root: 'apps/web' });
  const deployment = await berth.client.deploy('c');
  const log = await logOf(deployment.id);
  assert.ok(log.includes('pnpm-lock.yaml found → pnpm (installed from the repository root)'), log.join('\n'));
  assert.ok(log.includes('$ pnpm install --frozen-lockfile'));
  assert.ok(log.includes('`build` script → pnpm run build'));
  assert.equal(await (await fetch(berth.slotUrl('c'))).text(), 'hello from a workspace package');
});
