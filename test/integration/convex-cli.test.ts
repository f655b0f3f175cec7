// The REAL `convex` CLI from npm in berth's deploy step, against the STAND-IN backend (a real backend binary cannot
// be downloaded here): berth reads the CLI's version as the CLI itself reports it, refuses the known-bad 1.26.1 and a
// CLI that cannot run on berth's Node before it runs, and runs `convex deploy` so that the real CLI bundles the app's
// functions and sends them to the slot's own backend with the slot's admin key, whatever a stray .env.local says.
// The stand-in records the push and refuses to run it, so the deployment fails there, and the old release stays.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import semver from 'semver';
import { findConvexCli } from '../../src/convex/functions-deploy.js';
import { convexApp, realCliApp, realCliPackage, startConvexDaemon } from '../helpers/convex-apps.js';
import { request } from '../helpers/http.js';
import type { TestDaemon } from '../helpers/test-daemon.js';

interface StandInRequest {
  method: string;
  path: string;
  authorised: boolean;
  cliVersion?: string;
  modules?: string[];
}

let berth: TestDaemon;
let basePort: number;
const storage = () => path.join(berth.home, 'slots', 'a', 'convex', 'storage');
const requests = (): StandInRequest[] => {
  const file = path.join(storage(), 'stand-in-requests.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
};
const forgetRequests = () => fs.rmSync(path.join(storage(), 'stand-in-requests.jsonl'), { force: true });

before(async () => {
  ({ berth, basePort } = await startConvexDaemon());
  // A first release that works (stand-in CLI), so the failures below have a live release to keep.
  const first = await berth.client.deploy('a', convexApp('1.48.0'));
  assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
});
after(() => berth.close());

test("berth reads the real CLI's version as the CLI reports it, with the Node versions its engines allow", () => {
  for (const name of ['convex', 'convex-1-26-1', 'convex-1-51-0']) {
    const app = realCliApp(name as 'convex');
    const cli = findConvexCli(app, '.');
    assert.ok(cli, `${name} is found in the app's node_modules`);
    const manifest = JSON.parse(fs.readFileSync(path.join(realCliPackage(name), 'package.json'), 'utf8'));
    assert.equal(cli.version, manifest.version);
    assert.equal(cli.nodeRange, manifest.engines.node);
    if (semver.satisfies(process.version, cli.nodeRange!)) {
      const printed = execFileSync(process.execPath, [cli.script, '--version'], { encoding: 'utf8' }).trim();
      assert.equal(printed, cli.version, `${name} --version`);
    }
  }
});

test('the real known-bad CLI (1.26.1) is refused before it runs; the live release stays', async () => {
  const live = (await berth.client.status())[0].release;
  forgetRequests();
  await assert.rejects(berth.client.deploy('a', realCliApp('convex-1-26-1')), (error: Error & { code?: string; remedy?: string }) => {
    assert.equal(error.code, 'ERR_CONVEX_CLI_VERSION');
    assert.match(error.message, /convex package is 1\.26\.1/);
    assert.match(error.remedy ?? '', /convex@1\.26\.2 or newer/);
    return true;
  });
  assert.ok(!requests().some((entry) => entry.cliVersion === '1.26.1'), 'the CLI never reached the backend');
  assert.equal((await berth.client.status())[0].release, live);
});

test("a real CLI whose engines exclude berth's Node is refused with what to pin", { skip: semver.satisfies(process.version, '>=22') && 'Node 22 runs convex 1.51.0' }, async () => {
  await assert.rejects(berth.client.deploy('a', realCliApp('convex-1-51-0')), (error: Error & { code?: string; remedy?: string }) => {
    assert.equal(error.code, 'ERR_CONVEX_CLI_VERSION');
    assert.match(error.message, new RegExp(`convex 1\\.51\\.0 needs Node >=22\\.0\\.0 and berth runs it with Node ${process.version.replace(/\./g, '\\.')}`));
    assert.match(error.remedy ?? '', /on Node 20, 1\.48\.0 is the newest/);
    return true;
  });
});

test("the real CLI's deploy bundles the app's functions and sends them to the slot's backend with its admin key, whatever .env.local says", async () => {
  const live = (await berth.client.status())[0].release;
  const app = realCliApp('convex');
  // What `npx convex dev` leaves behind in a developer's checkout: it must not redirect berth's deploy.
  fs.writeFileSync(path.join(app, '.env.local'), 'CONVEX_DEPLOYMENT=prod:someone-elses-123\nCONVEX_SELF_HOSTED_URL=http://127.0.0.1:9\nCONVEX_SELF_HOSTED_ADMIN_KEY=stale\n');
  forgetRequests();
  await assert.rejects(berth.client.deploy('a', app), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ERR_CONVEX_DEPLOY_FAILED');
    assert.match(error.message, /convex deploy \(convex 1\.48\.0\)` exited with code 1/);
    assert.match(error.message, /StandInCannotPush/, "the CLI's own words about the refused push");
    return true;
  });
  const seen = requests();
  const fromCli = seen.filter((entry) => entry.cliVersion === '1.48.0');
  assert.ok(fromCli.length >= 2, `berth's version check and the CLI's own config pull both name CLI 1.48.0: ${JSON.stringify(seen)}`);
  const pushes = seen.filter((entry) => entry.path.startsWith('/api/deploy2/'));
  assert.ok(pushes.length > 0, 'the CLI pushed to the slot backend');
  const apiCalls = seen.filter((entry) => entry.method === 'POST');
  assert.ok(apiCalls.every((entry) => entry.authorised), `every API call carried the slot's admin key: ${JSON.stringify(apiCalls)}`);
  assert.ok(pushes.some((entry) => (entry.modules ?? []).includes('messages.js')), "the app's convex/messages.ts, bundled by the real CLI");

  const deployment = (await berth.client.deployments('a'))[0];
  const log = (await berth.client.deployLog(deployment.id)).lines.map((line) => line.text).join('\n');
  const adminKey = (await berth.client.convex('a', true)).env.CONVEX_SELF_HOSTED_ADMIN_KEY;
  assert.ok(!log.includes(adminKey), 'the admin key is masked in the deploy log');
  assert.equal((await berth.client.status())[0].release, live, 'the old release stays live');
  assert.equal((await request(berth.slotUrl('a'))).status, 200);
});

test("the backend's judgement of the CLI version: deprecated is a warning on the deployment, refused fails before the deploy", async () => {
  fs.writeFileSync(path.join(storage(), 'stand-in-cli-policy.json'), JSON.stringify({ deprecateBelow: '1.49.0' }));
  const warned = await berth.client.deploy('a', convexApp('1.48.0'));
  assert.equal(warned.status, 'succeeded', JSON.stringify(warned.error));
  assert.ok(warned.warnings.some((warning) => /the backend says convex 1\.48\.0 is Upgradable: .*upgrade to 1\.49\.0/.test(warning)), JSON.stringify(warned.warnings));

  fs.writeFileSync(path.join(storage(), 'stand-in-cli-policy.json'), JSON.stringify({ refuseBelow: '1.49.0' }));
  const doctor = await berth.client.convexDoctor('a');
  const versions = doctor.find((finding) => finding.check === 'versions');
  assert.equal(versions?.verdict, 'fail', JSON.stringify(doctor));
  assert.match(versions!.message, /refuses the app's convex 1\.48\.0/);
  forgetRequests();
  await assert.rejects(berth.client.deploy('a', convexApp('1.48.0')), (error: Error & { code?: string; remedy?: string }) => {
    assert.equal(error.code, 'ERR_CONVEX_CLI_VERSION');
    assert.match(error.message, /refuses the app's convex 1\.48\.0: .*no longer supported/);
    assert.match(error.remedy ?? '', /at least as new as the CLI/);
    return true;
  });
  fs.rmSync(path.join(storage(), 'stand-in-cli-policy.json'));
});
