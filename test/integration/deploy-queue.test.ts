// Deployments never stick: cancel kills the running step's whole tree, a burst builds only the newest request,
// and a daemon killed mid-build marks the deployment abandoned while the old release keeps serving.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { connectLocal, createClient, type BerthClient } from '../../src/sdk/client.js';
import { killBerthUp, processesInside, runCli, startBerthUp, waitForDaemon, writeTestConfig } from '../helpers/berth-process.js';
import { createTestRepo, serverSource } from '../helpers/git-repos.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';
import { startTestDaemon } from '../helpers/test-daemon.js';
import { eventually } from '../helpers/wait.js';

/** A build that starts a grandchild, says so, and waits until $GO_FILE exists (forever without it). */
const slowBuild = (version: string) => ({
  'package.json': JSON.stringify({ name: 'fx-slow', private: true, scripts: { build: 'node build.js', start: 'node server.js' } }),
  'build.js': `const fs = require('node:fs');
require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('building slowly');
setInterval(() => { if (process.env.GO_FILE && fs.existsSync(process.env.GO_FILE)) process.exit(0); }, 20);
`,
  'server.js': serverSource(version),
});

async function waitForLogLine(client: BerthClient, id: string, text: string): Promise<void> {
  await eventually(async () => assert.ok((await client.deployLog(id)).lines.some((line) => line.text.includes(text)), `log of ${id} shows "${text}"`), { timeoutMs: 30_000 });
}

const version = async (url: string) => ((await (await fetch(url)).json()) as { version: string }).version;

test('cancel stops the running build’s whole process tree; the slot keeps its release', async () => {
  const berth = await startTestDaemon({ slots: [{ name: 'a' }] });
  try {
    const repo = createTestRepo({ 'package.json': JSON.stringify({ name: 'fx', private: true, scripts: { start: 'node server.js' } }), 'server.js': serverSource('one') });
    await berth.client.updateSettings('a', { repo: repo.url });
    await berth.client.deploy('a');
    repo.commit(slowBuild('two'), 'slow build');
    const started = await berth.client.startDeploy('a', {});
    await waitForLogLine(berth.client, started.id, 'building slowly');
    const releasesDir = path.join(berth.home, 'slots', 'a', 'releases', started.id);
    assert.ok(processesInside(releasesDir).length >= 2, 'npm, the build and its grandchild run');

    const cancel = await runCli(berth.home, ['deploy', 'cancel', 'a']);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.equal(cancel.stdout.trim(), `cancelled ${started.id}; slot a keeps its live release`);
    const final = await berth.client.followDeployment(started.id, 0, () => undefined);
    assert.equal(final.status, 'cancelled');
    assert.equal(final.error?.code, 'ERR_DEPLOY_CANCELLED');
    assert.deepEqual(processesInside(releasesDir), [], 'no build process is left');
    assert.equal(fs.existsSync(releasesDir), false, 'the cancelled build left no files');
    assert.equal(await version(berth.slotUrl('a')), 'one');
    assert.deepEqual(await berth.client.cancelDeploy('a'), [], 'nothing left to cancel');
    const log = await runCli(berth.home, ['deploy', 'log', 'a']);
    assert.match(log.stdout, /building slowly[\s\S]*✗ cancelled: The deployment was cancelled while `npm run build` ran/);
    const history = await runCli(berth.home, ['deploys', 'a']);
    const row = history.stdout.split('\n').find((line) => line.startsWith(started.id));
    assert.match(row ?? '', /\scli\s+[0-9a-f]{7} slow build\s+cancelled\s/, history.stdout);
  } finally {
    await berth.close();
  }
});

test('a stage that outlives its deadline is stopped with its whole tree and the deployment fails', async () => {
  const timeouts = { fetchMs: 60_000, installMs: 60_000, buildMs: 1_000 };
  const berth = await startTestDaemon({ slots: [{ name: 'a' }], config: { deploy: { concurrency: 2, minFreeMemoryMb: 0, timeouts, keepLogs: 10 } } });
  try {
    const repo = createTestRepo(slowBuild('never'));
    await berth.client.updateSettings('a', { repo: repo.url });
    const error = await berth.client.deploy('a').then(
      () => assert.fail('the build cannot finish'),
      (failure: { code: string; message: string }) => failure,
    );
    assert.equal(error.code, 'ERR_DEPLOY_STAGE_TIMEOUT');
    assert.match(error.message, /`npm run build` was still running after 1(\.0)? ?s and was stopped[\s\S]*building slowly/);
    assert.deepEqual(processesInside(path.join(berth.home, 'slots')), []);
    assert.equal((await berth.client.slot('a')).state, 'empty');
  } finally {
    await berth.close();
  }
});

test('deploys requested while one is waiting replace it: only the newest runs', async () => {
  const go = path.join(makeTempDir('berth-go-'), 'go');
  const berth = await startTestDaemon({ slots: [{ name: 'a' }] });
  try {
    const repo = createTestRepo(slowBuild('first'));
    await berth.client.changeEnv('a', { set: { GO_FILE: go } });
    await berth.client.updateSettings('a', { repo: repo.url });
    const running = await berth.client.startDeploy('a', {});
    await waitForLogLine(berth.client, running.id, 'building slowly');
    repo.commit({ 'server.js': serverSource('second') }, 'second');
    const waiting = await berth.client.startDeploy('a', {});
    const newest = repo.commit({ 'server.js': serverSource('third') }, 'third');
    const replacing = await berth.client.startDeploy('a', {});
    assert.equal(waiting.status, 'queued');

    const superseded = await berth.client.followDeployment(waiting.id, 0, () => undefined);
    assert.equal(superseded.status, 'superseded');
    assert.equal(superseded.stages.length, 0, 'it never ran');
    fs.writeFileSync(go, '');
    assert.equal((await berth.client.followDeployment(running.id, 0, () => undefined)).status, 'succeeded');
    const last = await berth.client.followDeployment(replacing.id, 0, () => undefined);
    assert.equal(last.status, 'succeeded');
    assert.equal(last.commit?.sha, newest);
    assert.equal(await version(berth.slotUrl('a')), 'third');
    assert.deepEqual((await berth.client.deployments('a')).map((deployment) => deployment.status), ['succeeded', 'superseded', 'succeeded']);
  } finally {
    await berth.close();
  }
});

const home = makeTempDir('berth-abandon-');
let upProcess: ReturnType<typeof startBerthUp> | null = null;
after(() => {
  killBerthUp(upProcess);
  removeDir(home);
});

test('a daemon killed mid-build: the deployment is abandoned, its build processes stopped, the old release serving', async () => {
  const ports = await writeTestConfig(home, ['a']);
  upProcess = startBerthUp(home);
  const firstDaemon = await waitForDaemon(home);
  const client = createClient(connectLocal(home));
  const repo = createTestRepo({ 'package.json': JSON.stringify({ name: 'fx', private: true, scripts: { start: 'node server.js' } }), 'server.js': serverSource('old') });
  await client.updateSettings('a', { repo: repo.url });
  await client.deploy('a');
  repo.commit(slowBuild('new'), 'slow build');
  const started = await client.startDeploy('a', {});
  await waitForLogLine(client, started.id, 'building slowly');
  const buildDir = path.join(home, 'slots', 'a', 'releases', started.id);
  const builders = processesInside(buildDir);
  assert.ok(builders.length >= 2);

  process.kill(firstDaemon, 'SIGKILL');
  await waitForDaemon(home, firstDaemon);
  const restarted = createClient(connectLocal(home));
  const record = await restarted.deployment(started.id);
  assert.equal(record.status, 'abandoned');
  assert.equal(record.error?.code, 'ERR_DEPLOY_ABANDONED');
  await eventually(() => assert.deepEqual(processesInside(buildDir), []), { what: 'the build processes to be stopped' });
  await eventually(async () => assert.equal(await version(`http://127.0.0.1:${ports.a}/`), 'old'), { timeoutMs: 30_000 });
  const events = await restarted.events('a');
  assert.ok(events.some((event) => event.type === 'deploy.abandoned'));
  process.kill(-upProcess.process.pid!, 'SIGINT');
  assert.equal(await upProcess.exited, 0);
});
