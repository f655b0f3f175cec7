// The Convex backend binary downloaded where the machine has internet, against a local STAND-IN for Convex's
// version service and GitHub's releases and API (these machines reach neither): the ZIP is checked against the
// SHA-256 digest GitHub publishes for the asset before anything is unpacked, the binary is smoke-tested and cached
// where the Convex CLI caches it, and every failure (tampered, no digest, unreachable) installs nothing and says why.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { zipSync } from 'fflate';
import { resolveBackendBinary } from '../../src/convex/binary.js';
import { assetName } from '../../src/convex/download.js';
import { convexApp, standIn } from '../helpers/convex-apps.js';
import { getFreePortRun } from '../helpers/ports.js';
import { makeTempDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

const VERSION = 'precompiled-2026-11-20-5eb1c0d';
const zip = Buffer.from(zipSync({ 'convex-local-backend': new Uint8Array(fs.readFileSync(standIn)) }));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** What the release stand-in serves; the tests change it between cases. */
const served = { zip, digest: `sha256:${sha256(zip)}` as string | null };
const seen: string[] = [];
let releases: http.Server;
let base: string;
let home: string;
let berth: TestDaemon;

before(async () => {
  releases = http.createServer((req, res) => {
    seen.push(req.url!);
    if (req.url === '/v1/local_backend_version') return res.end(JSON.stringify({ version: VERSION }));
    if (req.url === `/api/tags/${VERSION}`) return res.end(JSON.stringify({ tag_name: VERSION, assets: [{ name: assetName(), digest: served.digest }, { name: 'dashboard.zip', digest: 'sha256:00' }] }));
    if (req.url === `/download/${VERSION}/${assetName()}`) return res.end(served.zip);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => releases.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(releases.address() as AddressInfo).port}`;
  home = makeTempDir('berth-convex-home-');
  const download = { enabled: true, version: null, versionUrl: `${base}/v1/local_backend_version`, releasesUrl: `${base}/download`, apiUrl: `${base}/api` };
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }], env: { HOME: home }, config: { convex: { binary: null, basePort: await getFreePortRun(4), download } } });
  for (const slot of ['a', 'b']) await berth.client.updateSettings(slot, { installCommand: '' });
});
after(async () => {
  await berth.close();
  releases.close();
});

const cached = () => path.join(home, '.cache', 'convex', 'binaries', VERSION, 'convex-local-backend');
const failsWith = async (pattern: RegExp) =>
  assert.rejects(berth.client.deploy('a', convexApp('1.48.0')), (error: Error & { code?: string; remedy?: string }) => {
    assert.equal(error.code, 'ERR_CONVEX_BACKEND_MISSING');
    assert.match(error.message, pattern);
    assert.match(error.remedy ?? '', /convex\.binary/);
    return true;
  });

test('a download that does not match the digest GitHub publishes installs nothing', async () => {
  served.zip = Buffer.concat([zip, Buffer.from('tampered')]);
  await failsWith(/does not match its published digest \(sha256:[0-9a-f]{64}, downloaded sha256:[0-9a-f]{64}\); nothing was installed/);
  assert.ok(!fs.existsSync(path.dirname(cached())) || fs.readdirSync(path.dirname(cached())).length === 0, 'nothing cached, no temp file left');
  served.zip = zip;
});

test('a release without a published digest is not trusted', async () => {
  served.digest = null;
  await failsWith(/publishes no SHA-256 digest for convex-local-backend-.*\.zip, so the download cannot be verified/);
  served.digest = `sha256:${sha256(zip)}`;
});

test("the newest release is downloaded, verified, smoke-tested and cached where the Convex CLI caches it; the next slot reuses it", async () => {
  seen.length = 0;
  const done = await berth.client.deploy('a', convexApp('1.48.0'));
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.deepEqual(seen, ['/v1/local_backend_version', `/api/tags/${VERSION}`, `/download/${VERSION}/${assetName()}`]);
  assert.equal(fs.statSync(cached()).mode & 0o777, 0o755);
  assert.equal(sha256(fs.readFileSync(cached())), sha256(fs.readFileSync(standIn)));
  const logs = (await berth.client.logs('a', { tail: 200 })).lines;
  assert.ok(logs.some((line) => /\[convex\] convex-local-backend precompiled-2026-11-20-5eb1c0d verified \(sha256 [0-9a-f]{12}…\)/.test(line.text)), 'the slot log says what was installed');

  seen.length = 0;
  const second = await berth.client.deploy('b', convexApp('1.48.0'));
  assert.equal(second.status, 'succeeded', JSON.stringify(second.error));
  assert.deepEqual(seen, [], 'the cached binary is reused');
});

test('unreachable release servers, and a pinned version that is not cached: the error names the step that failed', async () => {
  const empty = makeTempDir('berth-convex-nohome-');
  const closed = 'http://127.0.0.1:9';
  await assert.rejects(
    resolveBackendBinary({ binary: null, download: { enabled: true, version: null, versionUrl: `${closed}/v1/local_backend_version`, releasesUrl: closed, apiUrl: closed } }, empty, () => undefined),
    (error: Error & { code?: string }) => error.code === 'ERR_CONVEX_BACKEND_MISSING' && /The download failed: the newest backend version: http:\/\/127\.0\.0\.1:9\/v1\/local_backend_version could not be reached/.test(error.message),
  );
  seen.length = 0;
  const pinned = await resolveBackendBinary({ binary: null, download: { enabled: true, version: VERSION, versionUrl: `${base}/v1/local_backend_version`, releasesUrl: `${base}/download`, apiUrl: `${base}/api` } }, empty, () => undefined);
  assert.equal(pinned, path.join(empty, '.cache', 'convex', 'binaries', VERSION, 'convex-local-backend'));
  assert.ok(!seen.includes('/v1/local_backend_version'), 'a pinned version is not looked up');
});
