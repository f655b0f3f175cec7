// berth inside a Coder workspace (the agent's environment given to a real daemon): public subdomain URLs for the
// slots, the admin and the hooks listener; slug settings checked against Coder's rules; PUBLIC_URL and BERTH_SLOT
// reach the app; the per-slot health answer Coder's app healthcheck polls.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { runCli, writeTestConfig } from '../helpers/berth-process.js';
import { request } from '../helpers/http.js';
import { convexApp, standIn } from '../helpers/convex-apps.js';
import { getFreePortRun } from '../helpers/ports.js';
import { fixture, makeTempDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

const env = { CODER: 'true', CODER_WORKSPACE_NAME: 'shop', CODER_WORKSPACE_AGENT_NAME: 'main', CODER_WORKSPACE_OWNER_NAME: 'ada', VSCODE_PROXY_URI: 'https://{{port}}--main--shop--ada.apps.example.com' };
const app = (slug: string) => `https://${slug}--main--shop--ada.apps.example.com`;

let berth: TestDaemon;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }], env, config: { convex: { binary: standIn, basePort: await getFreePortRun(4) } } });
});
after(() => berth.close());

test('the slots, the admin and the hooks listener have Coder subdomain URLs', async () => {
  assert.deepEqual(berth.info.slots, { a: app('a'), b: app('b') });
  assert.equal(berth.info.adminUrl, app('admin'));
  assert.equal(berth.info.hooksUrl, app('hooks'));
  assert.deepEqual(berth.info.coder, { workspace: 'shop', agent: 'main', owner: 'ada', problem: null });
  assert.match((await request(berth.slotUrl('a'))).body, new RegExp(app('a').replace(/\./g, '\\.')), 'the placeholder page shows the public URL');
  assert.equal((await berth.client.slotHooks('a')).payloadUrl, `${app('hooks')}/hooks/github`);
});

test('a slug is a checked setting: the URL, the placeholder and the CLI follow it', async () => {
  await berth.client.updateSettings('a', { slug: 'storefront' });
  assert.equal((await berth.client.status()).find((slot) => slot.slot === 'a')?.url, app('storefront'));
  assert.match((await request(berth.slotUrl('a'))).body, /storefront--main--shop--ada/);
  const status = await runCli(berth.home, ['status']);
  assert.match(status.stdout, /storefront--main--shop--ada\.apps\.example\.com/);
  const refusals: Array<[string, RegExp]> = [
    ['b', /slot b already uses it/],
    ['admin', /berth's own app names/],
    ['4000', /port number/],
    ['Shop', /lowercase letters/],
    ['x'.repeat(50), /DNS allows 63/],
  ];
  for (const [slug, why] of refusals) {
    await assert.rejects(berth.client.updateSettings('a', { slug }), (error: Error & { code?: string }) => error.code === 'ERR_SETTINGS_INVALID' && why.test(error.message), slug);
  }
  assert.equal((await berth.client.status()).find((slot) => slot.slot === 'a')?.url, app('storefront'), 'a refused slug changed nothing');
});

test("the app gets PUBLIC_URL and BERTH_SLOT; Coder's healthcheck reads the slot's health without credentials", async () => {
  const health = `${berth.info.apiUrl}/api/v1/slots/a/health`;
  const before = await request(health);
  assert.equal(before.status, 503);
  assert.deepEqual(JSON.parse(before.body), { slot: 'a', state: 'empty' });
  await berth.client.deploy('a', fixture('echo'));
  const seen = JSON.parse((await request(berth.slotUrl('a'))).body).env as Record<string, string>;
  assert.equal(seen.PUBLIC_URL, app('storefront'));
  assert.equal(seen.BERTH_SLOT, 'a');
  assert.equal((await request(health)).status, 200);
});

test("a Convex backend's instance is named after the workspace and the slot, with its public URLs as Coder apps", async () => {
  await berth.client.updateSettings('b', { installCommand: '' });
  const done = await berth.client.deploy('b', convexApp('1.48.0'));
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  const status = await berth.client.convex('b');
  assert.equal(status.instanceName, 'berth-shop-b', 'two workspaces sharing a Postgres server get different databases');
  assert.equal(status.urls.api, 'https://b-convex--main--shop--ada.apps.example.com');
  assert.equal((await request(`http://127.0.0.1:${status.port}/instance_name`)).body, 'berth-shop-b');
});

test('without a wildcard hostname berth says why and keeps port URLs', async () => {
  const plain = await startTestDaemon({ slots: [{ name: 'a' }], env: { ...env, VSCODE_PROXY_URI: '' } });
  try {
    assert.match(plain.info.slots.a, /^http:\/\/localhost:\d+$/);
    assert.match(plain.info.coder?.problem ?? '', /subdomain apps cannot work/);
  } finally {
    await plain.close();
  }
});

test("slugs picked in the Coder template's parameters (BERTH_SLOT_SLUGS) apply at start; an invalid one is refused with its reason", async () => {
  const picked = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }], env: { ...env, BERTH_SLOT_SLUGS: 'a=shop,b=admin,zz=nope' } });
  try {
    assert.equal(picked.info.slots.a, app('shop'));
    assert.equal(picked.info.slots.b, app('b'));
    const refused = (await picked.client.events()).filter((event) => event.type === 'coder.slug-refused').map((event) => event.message);
    assert.ok(refused.some((message) => /slot b the slug "admin", which must be not one of berth's own app names/.test(message)), refused.join('\n'));
    assert.ok(refused.some((message) => /names "zz", which is not a slot/.test(message)), refused.join('\n'));
  } finally {
    await picked.close();
  }
});

test('berth coder template --out writes the module for this config and the example template, without a daemon', async () => {
  const home = makeTempDir('berth-template-home-');
  const ports = await writeTestConfig(home, ['web', 'api']);
  const out = makeTempDir('berth-template-out-');
  const result = await runCli(home, ['coder', 'template', '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /the module: 2 slots, admin, hooks/);
  const parsed = (await parse('main.tf', fs.readFileSync(path.join(out, 'berth', 'main.tf'), 'utf8'))) as { resource: Record<string, Record<string, Array<Record<string, unknown>>>> };
  assert.equal(parsed.resource.coder_app.slot_web[0].url, `http://localhost:${ports.web}`);
  assert.equal(parsed.resource.coder_app.slot_api[0].url, `http://localhost:${ports.api}`);
  assert.ok(fs.readFileSync(path.join(out, 'main.tf'), 'utf8').includes('module "berth"'));
});
