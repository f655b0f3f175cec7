// A Convex app in a slot, against a STAND-IN for the convex-local-backend binary (test/fixtures/convex-stand-in; the
// real binary cannot be downloaded on these machines): detection, the backend's instance, start with the arguments
// Convex documents, health gating, the admin key, the env the build and the app get, masking, and a missing binary.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/berth-process.js';
import { request } from '../helpers/http.js';
import { getFreePortRun } from '../helpers/ports.js';
import { convexApp, startConvexDaemon } from '../helpers/convex-apps.js';
import { fixture, makeTempDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
let basePort: number;
before(async () => {
  ({ berth, basePort } = await startConvexDaemon());
});
after(() => berth.close());

test('a Convex app gets its own backend before the build; the build and the app get its URLs and admin key', async () => {
  const done = await berth.client.deploy('a', convexApp('1.27.0'));
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.deepEqual(done.stages.map((stage) => stage.name).filter((name) => ['convex', 'functions', 'build'].includes(name)), ['convex', 'functions', 'build'], 'functions deploy before the front end builds');
  const log = (await berth.client.deployLog(done.id)).lines.map((line) => line.text).join('\n');
  assert.match(log, /Convex app: package\.json depends on convex \^1\.27\.0/);
  assert.match(log, new RegExp(`built with VITE_CONVEX_URL=http://localhost:${basePort}`));

  const dir = path.join(berth.home, 'slots', 'a', 'convex');
  const instance = JSON.parse(fs.readFileSync(path.join(dir, 'instance.json'), 'utf8'));
  assert.equal(fs.statSync(path.join(dir, 'instance.json')).mode & 0o777, 0o600);
  assert.match(instance.secret, /^[0-9a-f]{64}$/);
  assert.doesNotMatch(log, new RegExp(instance.secret), 'the instance secret is not in the deploy log');
  const started = JSON.parse(fs.readFileSync(path.join(dir, 'storage', 'stand-in-start.json'), 'utf8')) as { args: string[]; tmpdir: string };
  const arg = (name: string) => started.args[started.args.indexOf(name) + 1];
  assert.deepEqual([arg('--interface'), arg('--port'), arg('--site-proxy-port'), arg('--instance-name')], ['127.0.0.1', String(basePort), String(basePort + 1), 'berth-a']);
  assert.equal(arg('--instance-secret'), instance.secret);
  assert.equal(arg('--convex-origin'), `http://localhost:${basePort}`);
  assert.equal(arg('--convex-site'), `http://localhost:${basePort + 1}`);
  assert.ok(started.args.includes('--disable-beacon'));
  assert.equal(started.tmpdir, path.join(dir, 'tmp'));

  // The built front end carries the public URL; the backend answers as this slot's instance and takes the admin key.
  assert.match((await request(berth.slotUrl('a'))).body, new RegExp(`window.CONVEX_URL = "http://localhost:${basePort}"`));
  const revealed = await berth.client.convex('a', true);
  const call = JSON.parse(fs.readFileSync(path.join(berth.home, 'slots', 'a', 'releases', done.id, 'cli-call.json'), 'utf8'));
  assert.deepEqual(call.args, ['deploy']);
  assert.deepEqual(call.env, {
    CONVEX_SELF_HOSTED_URL: `http://127.0.0.1:${basePort}`,
    CONVEX_SELF_HOSTED_ADMIN_KEY: revealed.env.CONVEX_SELF_HOSTED_ADMIN_KEY,
    CONVEX_DEPLOY_KEY: '',
    CONVEX_DEPLOYMENT: '',
    CONVEX_DEPLOYMENT_TOKEN: '',
    CI: '1',
    VITE_CONVEX_URL: `http://localhost:${basePort}`,
  });
  assert.match(log, /Deployed Convex functions to http:\/\/127\.0\.0\.1/);
  assert.doesNotMatch(log, new RegExp(revealed.env.CONVEX_SELF_HOSTED_ADMIN_KEY.replace(/\|/g, '\\|')), 'the admin key is masked in the deploy log');
  assert.equal((await request(`http://127.0.0.1:${basePort}/instance_name`)).body, 'berth-a');
  const check = await request(`http://127.0.0.1:${basePort}/api/check_admin_key`, { headers: { authorization: `Convex ${revealed.env.CONVEX_SELF_HOSTED_ADMIN_KEY}` } });
  assert.equal(check.status, 200);
  assert.equal(revealed.env.CONVEX_SELF_HOSTED_URL, `http://127.0.0.1:${basePort}`);
  for (const name of ['CONVEX_URL', 'VITE_CONVEX_URL', 'NEXT_PUBLIC_CONVEX_URL', 'PUBLIC_CONVEX_URL']) assert.equal(revealed.env[name], `http://localhost:${basePort}`, name);
  assert.equal(revealed.env.CONVEX_SITE_URL, `http://localhost:${basePort + 1}`);
});

test('a known-bad CLI version is refused, and a failing functions deploy fails the deployment; the old release keeps serving', async () => {
  const before = (await berth.client.status())[0].release;
  await assert.rejects(berth.client.deploy('a', convexApp('1.26.1')), (error: Error & { code?: string; remedy?: string }) => error.code === 'ERR_CONVEX_CLI_VERSION' && /convex@1\.26\.2 or newer/.test(error.remedy ?? ''));
  await assert.rejects(berth.client.deploy('a', convexApp('1.27.0', 'fails')), (error: Error & { code?: string }) => error.code === 'ERR_CONVEX_DEPLOY_FAILED' && /schema validation failed in messages/.test(error.message));
  assert.equal((await berth.client.status())[0].release, before);
  assert.match((await request(berth.slotUrl('a'))).body, /window\.CONVEX_URL/);
});

test('berth convex status and env: the admin key masked unless revealed (and the reveal recorded)', async () => {
  const status = await runCli(berth.home, ['convex', 'status', 'a']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`Convex backend berth-a running \\(pid \\d+\\) on 127\\.0\\.0\\.1:${basePort}`));
  const masked = await runCli(berth.home, ['convex', 'urls', 'a']);
  assert.match(masked.stdout, /CONVEX_SELF_HOSTED_ADMIN_KEY=••••••••/);
  const shown = await runCli(berth.home, ['convex', 'urls', 'a', '--reveal']);
  assert.match(shown.stdout, /CONVEX_SELF_HOSTED_ADMIN_KEY=berth-a\|[0-9a-f]{64}/);
  assert.ok((await berth.client.events('a')).some((event) => event.type === 'convex.revealed'));

  const wiring = await runCli(berth.home, ['convex', 'env', 'a']);
  assert.equal(wiring.code, 0, wiring.stderr);
  assert.match(wiring.stdout, /CONVEX_SELF_HOSTED_ADMIN_KEY=••••••••/);
  assert.match(wiring.stdout, new RegExp(`cloud origin \\(--convex-origin\\) = the public API URL above = http://localhost:${basePort}`));
  assert.match(wiring.stdout, new RegExp(`site origin \\(--convex-site\\) = CONVEX_SITE_URL = http://localhost:${basePort + 1}`));
  assert.match(wiring.stdout, new RegExp(`SITE_URL \\(set in the backend for Convex Auth\\) = the front end = PUBLIC_URL = ${berth.info.slots.a.replace(/[/.]/g, '\\$&')}`));
});

test("the functions' own env is set in the backend through its API: listed masked, set and unset from the CLI", async () => {
  const set = await runCli(berth.home, ['convex', 'env', 'set', 'a', 'SITE_URL=https://shop.example', 'STRIPE_SECRET_KEY=sk_live_123']);
  assert.equal(set.code, 0, set.stderr);
  const listed = await runCli(berth.home, ['convex', 'env', 'list', 'a']);
  assert.match(listed.stdout, /SITE_URL=https:\/\/shop\.example/);
  assert.match(listed.stdout, /STRIPE_SECRET_KEY=••••••••/);
  assert.equal((await berth.client.convexBackendEnv('a', true)).STRIPE_SECRET_KEY, 'sk_live_123');
  await runCli(berth.home, ['convex', 'env', 'unset', 'a', 'STRIPE_SECRET_KEY']);
  assert.deepEqual(await berth.client.convexBackendEnv('a'), { SITE_URL: 'https://shop.example' });
  const bad = await runCli(berth.home, ['convex', 'env', 'set', 'a', 'NOT AN ASSIGNMENT']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /is not KEY=VALUE/);
  await assert.rejects(berth.client.changeConvexBackendEnv('a', { set: { '1BAD': 'x' } }), (error: Error & { code?: string }) => error.code === 'ERR_BAD_REQUEST');
  assert.ok((await berth.client.events('a')).some((event) => event.type === 'convex.env' && event.actor === 'cli'));
});

test('Convex Auth: a key pair made once per slot and SITE_URL are set in the backend; the owner’s own values are kept', async () => {
  await berth.client.changeConvexBackendEnv('a', { unset: ['SITE_URL'] });
  const first = await berth.client.deploy('a', convexApp('1.27.0', 'deploys', { auth: true }));
  assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
  const env = await berth.client.convexBackendEnv('a', true);
  assert.match(env.JWT_PRIVATE_KEY, /^-----BEGIN PRIVATE KEY----- \S+/);
  assert.doesNotMatch(env.JWT_PRIVATE_KEY, /\n/, 'newlines replaced by spaces, as Convex Auth expects');
  assert.equal(env.SITE_URL, berth.info.slots.a);
  const jwks = JSON.parse(env.JWKS) as { keys: Array<Record<string, string>> };
  assert.deepEqual([jwks.keys[0].kty, jwks.keys[0].alg, jwks.keys[0].use], ['RSA', 'RS256', 'sig']);
  // The pair belongs together: what the private key signs, the published key verifies.
  const body = env.JWT_PRIVATE_KEY.replace('-----BEGIN PRIVATE KEY-----', '').replace('-----END PRIVATE KEY-----', '').trim().split(/\s+/).join('\n');
  const privateKey = crypto.createPrivateKey(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`);
  const signature = crypto.sign('sha256', Buffer.from('token'), privateKey);
  assert.ok(crypto.verify('sha256', Buffer.from('token'), crypto.createPublicKey({ key: jwks.keys[0] as crypto.JsonWebKey, format: 'jwk' }), signature));
  assert.equal(fs.statSync(path.join(berth.home, 'slots', 'a', 'convex', 'auth-keys.json')).mode & 0o777, 0o600);

  await berth.client.changeConvexBackendEnv('a', { set: { SITE_URL: 'https://my-own.example' } });
  await berth.client.deploy('a', convexApp('1.27.0', 'deploys', { auth: true }));
  const again = await berth.client.convexBackendEnv('a', true);
  assert.equal(again.JWT_PRIVATE_KEY, env.JWT_PRIVATE_KEY, 'the same keys on every deploy');
  assert.equal(again.SITE_URL, 'https://my-own.example', 'a value the owner set is kept');
});

test("a rollback puts the older release's functions back first (with its own CLI); if that fails, the live release stays", async () => {
  const releaseDir = async (seq: number) => {
    const deployment = (await berth.client.deployments('a')).find((entry) => entry.releaseSeq === seq && entry.trigger !== 'rollback')!;
    return path.join(berth.home, 'slots', 'a', 'releases', deployment.id);
  };
  const live = (await berth.client.status())[0].release!;
  const older = (await berth.client.releases('a')).releases.map((release) => release.seq).filter((seq) => seq < live).sort((a, b) => b - a)[0];
  const olderDir = await releaseDir(older);
  fs.rmSync(path.join(olderDir, 'cli-call.json'), { force: true });
  const rolledBack = await berth.client.rollback('a', older);
  assert.equal(rolledBack.status, 'succeeded', JSON.stringify(rolledBack.error));
  assert.ok(rolledBack.stages.some((stage) => stage.name === 'functions'), 'the functions were deployed again');
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(olderDir, 'cli-call.json'), 'utf8')).args, ['deploy'], "from the rolled-back release's own files");

  fs.writeFileSync(path.join(await releaseDir(live), 'node_modules', 'convex', 'bin', 'main.cjs'), "console.error('✖ push failed'); process.exit(1);\n");
  await assert.rejects(berth.client.rollback('a', live), (error: Error & { code?: string }) => error.code === 'ERR_CONVEX_DEPLOY_FAILED');
  assert.equal((await berth.client.status())[0].release, older, 'the live release stayed');
});

test('berth convex doctor: the backend, its key, the CLI version, generated code, flags read as on, the site URL', async () => {
  await berth.client.changeConvexBackendEnv('a', { set: { DO_NOT_REQUIRE_SSL: 'false' } });
  const result = await runCli(berth.home, ['convex', 'doctor', 'a', '--json']);
  const findings = JSON.parse(result.stdout) as Array<{ check: string; verdict: string; message: string; remedy: string | null }>;
  const verdict = (check: string) => findings.filter((finding) => finding.check === check).map((finding) => `${finding.verdict}: ${finding.message}`);
  assert.match(verdict('backend')[0], new RegExp(`^ok: instance berth-a answers on http://127\\.0\\.0\\.1:${basePort}`));
  assert.deepEqual(verdict('admin key'), ['ok: the admin key is accepted']);
  assert.deepEqual(verdict('cli'), ['ok: convex 1.27.0']);
  assert.match(verdict('codegen')[0], /^warn: convex\/_generated is missing/);
  assert.match(verdict('env')[0], /^warn: DO_NOT_REQUIRE_SSL=false turns the flag ON/);
  assert.match(verdict('site url')[0], /^ok: .* is reachable without a login/);
  assert.equal(result.code, 0, 'warnings alone exit 0');
  assert.ok(findings.every((finding) => finding.verdict === 'ok' || (finding.remedy ?? '').length > 10));
  await berth.client.changeConvexBackendEnv('a', { unset: ['DO_NOT_REQUIRE_SSL'] });
});

test('the backend is supervised: killed, it comes back healthy; berth stopping stops it with SIGINT', async () => {
  const { pid } = await berth.client.convex('a');
  process.kill(pid!, 'SIGKILL');
  const deadline = Date.now() + 20_000;
  let answered = false;
  while (!answered && Date.now() < deadline) {
    answered = await request(`http://127.0.0.1:${basePort}/instance_name`).then((reply) => reply.body === 'berth-a', () => false);
    if (!answered) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(answered, 'the backend answers again after a kill');
  const restarted = (await berth.client.convex('a')).pid!;
  assert.notEqual(restarted, pid);
  await berth.close();
  assert.throws(() => process.kill(restarted, 0), 'the backend stopped with berth');
  ({ berth } = await startConvexDaemon({ basePort }));
});

test('with no backend binary, deploying a Convex app fails with how to get one; the slot setting can turn Convex off', async () => {
  const home = makeTempDir('berth-no-convex-');
  const plain = await startTestDaemon({ slots: [{ name: 'a' }], env: { HOME: home }, config: { convex: { binary: null, basePort: await getFreePortRun(2), download: { enabled: false } } } });
  try {
    await plain.client.updateSettings('a', { installCommand: '' });
    await assert.rejects(plain.client.deploy('a', fixture('convex-app')), (error: Error & { code?: string; remedy?: string }) => {
      assert.equal(error.code, 'ERR_CONVEX_BACKEND_MISSING');
      assert.match(error.remedy ?? '', /convex-local-backend-x86_64-unknown-linux-gnu\.zip/);
      return true;
    });
    await plain.client.updateSettings('a', { convex: false });
    const done = await plain.client.deploy('a', fixture('convex-app'));
    assert.equal(done.status, 'succeeded');
    assert.ok(!done.stages.some((stage) => stage.name === 'convex'));
  } finally {
    await plain.close();
  }
});
