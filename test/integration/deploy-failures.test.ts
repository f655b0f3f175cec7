// Every way a deploy can fail ends the deployment as failed, with the stage, the reason and the last output lines,
// while the slot keeps serving its previous release.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BerthApiError } from '../../src/sdk/client.js';
import { createTestRepo, serverSource, type TestRepo } from '../helpers/git-repos.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
let repo: TestRepo;
const good = { 'package.json': JSON.stringify({ name: 'fx', private: true, scripts: { start: 'node server.js' } }), 'server.js': serverSource('good') };

before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }], config: { health: { timeoutMs: 2_000, intervalMs: 50, path: '/' } } });
  repo = createTestRepo(good);
  await berth.client.updateSettings('a', { repo: repo.url });
  await berth.client.deploy('a');
});
after(() => berth.close());

async function failedDeploy(): Promise<{ error: BerthApiError; stage: string | undefined }> {
  const error = await berth.client.deploy('a').then(
    () => assert.fail('the deploy should fail'),
    (failure: BerthApiError) => failure,
  );
  const [deployment] = await berth.client.deployments('a');
  assert.equal(deployment!.status, 'failed');
  assert.equal(deployment!.error?.code, error.code);
  // The previous release keeps serving.
  assert.equal(((await (await fetch(berth.slotUrl('a'))).json()) as { version: string }).version, 'good');
  return { error, stage: deployment!.stages.at(-1)?.name };
}

const withPackage = (manifest: Record<string, unknown>, files: Record<string, string> = {}) => ({ 'package.json': JSON.stringify({ name: 'fx', private: true, ...manifest }), ...files });

test('a build that fails: build stage, exit code and its last output lines', async () => {
  repo.commit(withPackage({ scripts: { build: 'node build.js', start: 'node server.js' } }, { 'build.js': "console.log('compiling 3 files');\nconsole.error('SyntaxError: Unexpected token in src/app.ts');\nprocess.exit(2);\n" }), 'broken build');
  const { error, stage } = await failedDeploy();
  assert.equal(error.code, 'ERR_DEPLOY_BUILD_FAILED');
  assert.equal(stage, 'build');
  assert.match(error.message, /`npm run build` exited with code 2/);
  assert.match(error.message, /SyntaxError: Unexpected token in src\/app\.ts/);
});

test('an install that fails: install stage and the failing step’s own output', async () => {
  // A postinstall that fails, as a native module whose compile breaks would.
  const manifest = { scripts: { start: 'node server.js', postinstall: 'node compile.js' }, dependencies: { 'fx-dep': 'file:vendor/fx-dep' } };
  const files = { 'compile.js': "console.error('gyp ERR! build error: make failed');\nprocess.exit(1);\n", 'vendor/fx-dep/package.json': '{"name":"fx-dep","version":"1.0.0"}', 'build.js': null as never };
  repo.commit(withPackage(manifest, files), 'install breaks');
  const { error, stage } = await failedDeploy();
  assert.equal(error.code, 'ERR_DEPLOY_INSTALL_FAILED');
  assert.equal(stage, 'install');
  assert.match(error.message, /`npm install --no-audit --no-fund` exited with code 1/);
  assert.match(error.message, /gyp ERR! build error: make failed/);
});

test('a start command that exits: start failure with its stderr', async () => {
  repo.commit(withPackage({ scripts: { start: 'node boot.js' } }, { 'boot.js': "console.error('cannot start: DATABASE_URL is not set');\nprocess.exit(1);\n" }), 'exits at start');
  const { error, stage } = await failedDeploy();
  assert.equal(error.code, 'ERR_DEPLOY_START_FAILED');
  assert.equal(stage, 'health');
  assert.match(error.message, /cannot start: DATABASE_URL is not set/);
});

test('a health check that never passes, on the health path from the slot settings', async () => {
  repo.commit(
    withPackage({ scripts: { start: 'node server.js' } }, {
      'server.js': "require('node:http').createServer((req, res) => { res.statusCode = req.url === '/healthz' ? 503 : 200; res.end('no'); }).listen(Number(process.env.PORT), '127.0.0.1');\n",
    }),
    'never healthy',
  );
  await berth.client.updateSettings('a', { healthPath: '/healthz' });
  const { error, stage } = await failedDeploy();
  assert.equal(error.code, 'ERR_DEPLOY_HEALTH_TIMEOUT');
  assert.equal(stage, 'health');
  assert.match(error.message, /at \/healthz within 2(\.0)? ?s \(answered HTTP 503\)/);
  await berth.client.updateSettings('a', { healthPath: null });
});

test('an app that asks for another Node is built with a clear warning in the log', async () => {
  repo.commit({ ...good, 'package.json': JSON.stringify({ name: 'fx', private: true, engines: { node: '>=99' }, scripts: { start: 'node server.js' } }), '.nvmrc': '99.1.0\n' }, 'needs node 99');
  const deployment = await berth.client.deploy('a');
  const { lines } = await berth.client.deployLog(deployment.id);
  assert.ok(lines.some((line) => /^warning: package\.json asks for Node >=99 \(engines\.node\) but this machine runs Node v\d+/.test(line.text)));
  assert.ok(lines.some((line) => /^warning: \.nvmrc asks for Node 99\.1\.0/.test(line.text)));
});

test('a build is refused when free memory is below the configured floor', async () => {
  const lowMemory = await startTestDaemon({ slots: [{ name: 'a' }], config: { deploy: { concurrency: 1, minFreeMemoryMb: 100_000_000, timeouts: { fetchMs: 60_000, installMs: 60_000, buildMs: 60_000 }, keepLogs: 5 } } });
  try {
    const site = createTestRepo(withPackage({ scripts: { build: 'node -e "1"' } }, { 'index.html': '<h1>hi</h1>' }));
    await lowMemory.client.updateSettings('a', { repo: site.url });
    const error = await lowMemory.client.deploy('a').then(
      () => assert.fail('the build should be refused'),
      (failure: BerthApiError) => failure,
    );
    assert.equal(error.code, 'ERR_DEPLOY_LOW_MEMORY');
    assert.match(error.message, /MiB of memory is free, below the 100000000 MiB berth needs to build slot a/);
  } finally {
    await lowMemory.close();
  }
});
