// Deploying from real git repositories over file://: the whole pipeline, dependency reuse, same-commit skip,
// rollback with env, switching branch and repository, and bad input that leaves the slot serving.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { BerthApiError } from '../../src/sdk/client.js';
import { runCli } from '../helpers/berth-process.js';
import { appWithDependency, lockWithNpm, staticSiteWithBuild } from '../helpers/fixture-repos.js';
import { createTestRepo, git, serverSource, type TestRepo } from '../helpers/git-repos.js';
import { makeTempDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
let repo: TestRepo;
let marker: string;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }] });
  repo = createTestRepo(appWithDependency('v1'), { prepare: lockWithNpm });
  marker = path.join(makeTempDir('berth-marker-'), 'installs.txt');
  await berth.client.changeEnv('a', { set: { INSTALL_MARKER: marker } });
  await berth.client.updateSettings('a', { repo: repo.url, branch: 'main' });
});
after(() => berth.close());

const answer = async (slot: string) => (await fetch(berth.slotUrl(slot))).json() as Promise<{ version: string; greeting: string | null; dep?: string }>;
const installs = () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim().split('\n').length : 0);
const rejection = (promise: Promise<unknown>) => promise.then(() => assert.fail('expected a failure'), (error: BerthApiError) => error);

test('berth deploy streams fetch, detect, install, build, start and ends with the URL, the commit and each stage time', async () => {
  const cli = await runCli(berth.home, ['deploy', 'a']);
  assert.equal(cli.code, 0, cli.stderr + cli.stdout);
  for (const expected of [/▸ fetch/, /package-lock\.json found → npm/, /\$ npm ci/, /no `build` script → no build step/, /start` script is `node server\.js` → node server\.js/, /▸ health/]) {
    assert.match(cli.stdout, expected);
  }
  assert.match(cli.stdout, /release 1 of slot a is live at http:\/\/localhost:\d+/);
  assert.match(cli.stdout, /commit [0-9a-f]{7} first commit/);
  assert.match(cli.stdout, /fetch \d+(\.\d)? m?s, detect .*install .*build .*start .*health .*switch/);
  const first = await answer('a');
  assert.deepEqual([first.version, first.greeting, first.dep], ['v1', null, 'dep-ok']);
  assert.equal(installs(), 1);

  const [deployment] = await berth.client.deployments('a');
  assert.equal(deployment!.trigger, 'cli');
  assert.equal(deployment!.commit?.sha, git(repo.workDir, ['rev-parse', 'HEAD']));
  assert.deepEqual(deployment!.stages.map((stage) => stage.name), ['fetch', 'detect', 'install', 'build', 'start', 'health', 'switch', 'drain']);
  const { releases } = await berth.client.releases('a');
  assert.equal(releases[0]!.commit?.subject, 'first commit');
});

test('a new commit with an unchanged lockfile reuses the dependencies; the same commit again skips the build', async () => {
  const sha = repo.commit({ 'server.js': appWithDependency('v2')['server.js']! }, 'second version');
  const second = await berth.client.deploy('a');
  assert.equal(second.commit?.sha, sha);
  assert.equal(second.stages.find((stage) => stage.name === 'install')?.note, 'dependencies reused');
  assert.equal(installs(), 1, 'the install (and its postinstall) did not run again');
  assert.equal((await answer('a')).version, 'v2');
  assert.equal((await answer('a')).dep, 'dep-ok', 'the reused dependency resolves');

  const again = await berth.client.deploy('a');
  assert.match(again.stages.find((stage) => stage.name === 'build')?.note ?? '', /skipped: same commit as release 2/);
  assert.deepEqual(
    again.stages.map((stage) => stage.name),
    ['fetch', 'build', 'start', 'health', 'switch', 'drain'],
  );
  const log = await berth.client.deployLog(again.id);
  assert.ok(log.lines.some((line) => line.text.includes('build skipped')));

  // A changed lockfile installs again.
  repo.commit({ 'package.json': appWithDependency('v2')['package.json']!.replace('"1.0.0"', '"1.0.1"') }, 'bump version');
  repo.exec('npm', ['install', '--package-lock-only', '--ignore-scripts', '--offline']);
  repo.commit({}, 'relock');
  await berth.client.deploy('a');
  assert.equal(installs(), 2);
});

test('rollback switches to the previous release with the commit and env it had, without building', async () => {
  await berth.client.changeEnv('a', { set: { GREETING: 'one' } });
  repo.commit({ 'server.js': appWithDependency('v3')['server.js']! }, 'third version');
  await berth.client.changeEnv('a', { set: { GREETING: 'two' } });
  await berth.client.deploy('a');
  assert.deepEqual([(await answer('a')).version, (await answer('a')).greeting], ['v3', 'two']);
  // The release before the live one: v2's files with GREETING=two (the env change made it).
  const rolledBack = await berth.client.rollback('a');
  assert.deepEqual(rolledBack.stages.map((stage) => stage.name), ['start', 'health', 'switch', 'drain']);
  assert.deepEqual([(await answer('a')).version, (await answer('a')).greeting], ['v2', 'two']);
  // One further back: v2 with GREETING=one.
  const { releases } = await berth.client.releases('a');
  const withOne = releases.find((release) => release.note === 'env: set GREETING' && release.seq < rolledBack.releaseSeq!)!;
  await berth.client.rollback('a', withOne.seq);
  assert.deepEqual([(await answer('a')).version, (await answer('a')).greeting], ['v2', 'one']);
  assert.deepEqual((await berth.client.env('a')).env.GREETING, 'one', "the slot's env follows the release rolled back to");
});

test('a slot follows a change of branch, then of repository', async () => {
  repo.commit({ 'server.js': serverSource('feature') }, 'feature work', 'feature');
  await berth.client.updateSettings('b', { repo: repo.url, branch: 'feature' });
  await berth.client.deploy('b');
  assert.equal((await answer('b')).version, 'feature');

  const site = createTestRepo(staticSiteWithBuild('Other repository'));
  await berth.client.updateSettings('b', { repo: site.url, branch: 'main' });
  const deployment = await berth.client.deploy('b');
  assert.equal(deployment.commit?.repo, site.url);
  const page = await fetch(berth.slotUrl('b'));
  assert.match(await page.text(), /<h1>Other repository<\/h1>/);
  assert.equal((await berth.client.slot('b')).kind, 'static');
});

test('bad repository and branch values are refused before git sees them; failed fetches leave the slot serving', async () => {
  const pwned = path.join(makeTempDir('berth-pwned-'), 'pwned');
  for (const branch of [`--upload-pack=touch ${pwned}`, 'a..b', 'bad name', '-x']) {
    assert.equal((await rejection(berth.client.updateSettings('b', { branch }))).code, 'ERR_BRANCH_INVALID', branch);
  }
  for (const url of [`ext::sh -c touch% ${pwned}`, '-uhttps://example.com/x.git', 'https://user:secret@example.com/x.git', 'relative/path', 'ftp://example.com/x.git']) {
    assert.equal((await rejection(berth.client.updateSettings('b', { repo: url }))).code, 'ERR_REPO_INVALID', url);
  }
  assert.equal(fs.existsSync(pwned), false);

  await berth.client.updateSettings('b', { repo: repo.url, branch: 'no-such-branch' });
  const missing = await rejection(berth.client.deploy('b'));
  assert.equal(missing.code, 'ERR_GIT_BRANCH_MISSING');
  assert.match(missing.message, /no branch "no-such-branch"/);
  await berth.client.updateSettings('b', { repo: 'file:///no/such/repository.git', branch: 'main' });
  const unreachable = await rejection(berth.client.deploy('b'));
  assert.equal(unreachable.code, 'ERR_GIT_UNREACHABLE');
  assert.match((await fetch(berth.slotUrl('b'))).headers.get('content-type') ?? '', /html/, 'the static site still serves');
  const [failed] = await berth.client.deployments('b');
  assert.equal(failed!.status, 'failed');
  assert.equal(failed!.stages.at(-1)?.name, 'fetch');
});
