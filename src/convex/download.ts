// Getting the Convex backend binary where the machine has internet, as `npx convex dev --local` does: the newest
// version from Convex's version service (or the pinned one), the release ZIP for this machine from GitHub, its
// SHA-256 checked against the digest GitHub publishes for that asset before anything is unpacked, and the binary
// smoke-tested with --help. It lands in the Convex CLI's own cache, so either one reuses what the other fetched.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { BerthError } from '../errors/berth-error.js';

export const RELEASE_TAG = /^precompiled-\d{4}-\d{2}-\d{2}-[0-9a-f]+$/;

export interface DownloadSettings {
  enabled: boolean;
  /** A release tag (precompiled-YYYY-MM-DD-sha), or null for the newest. */
  version: string | null;
  /** Convex's version service (answers {"version": "precompiled-…"}). */
  versionUrl: string;
  /** Where release assets are downloaded from: <releasesUrl>/<version>/<asset>. */
  releasesUrl: string;
  /** GitHub's API for the release's asset digests: <apiUrl>/tags/<version>. */
  apiUrl: string;
}

const TIMEOUT_MS = 10 * 60_000;

/** The release asset for this machine, as Convex names its targets. */
export function assetName(platform = os.platform(), arch = os.arch()): string {
  const targets: Record<string, string> = { 'linux-x64': 'x86_64-unknown-linux-gnu', 'linux-arm64': 'aarch64-unknown-linux-gnu', 'darwin-x64': 'x86_64-apple-darwin', 'darwin-arm64': 'aarch64-apple-darwin' };
  const target = targets[`${platform}-${arch}`];
  if (!target) throw new BerthError('ERR_CONVEX_BACKEND_MISSING', `Convex publishes no backend binary for ${platform}-${arch}.`, { remedy: 'Build convex-local-backend from source (github.com/get-convex/convex-backend) and set convex.binary to it.' });
  return `convex-local-backend-${target}.zip`;
}

async function fetchOk(url: string, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'user-agent': 'berth', accept: '*/*' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`${what}: ${url} could not be reached (${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message})`);
  }
  if (!response.ok) throw new Error(`${what}: ${url} answered HTTP ${response.status}`);
  return response;
}

function smokeTest(binary: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['--help'], { timeout: 30_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`the downloaded binary does not run (--help): ${(stderr || error.message).trim().split('\n')[0]}`)) : resolve()));
  });
}

/** Downloads, verifies and caches the backend binary; returns its path. Throws an Error saying which step failed. */
export async function downloadBackend(settings: DownloadSettings, cacheRoot: string, log: (line: string) => void): Promise<string> {
  let version = settings.version;
  if (!version) {
    const answer = (await (await fetchOk(settings.versionUrl, 'the newest backend version')).json()) as { version?: unknown };
    if (typeof answer.version !== 'string' || !RELEASE_TAG.test(answer.version)) throw new Error(`the newest backend version: ${settings.versionUrl} named no release (${JSON.stringify(answer).slice(0, 100)})`);
    version = answer.version;
  }
  const asset = assetName();
  const release = (await (await fetchOk(`${settings.apiUrl}/tags/${version}`, 'the release digests')).json()) as { assets?: Array<{ name: string; digest?: string | null }> };
  const digest = release.assets?.find((entry) => entry.name === asset)?.digest ?? null;
  if (!digest?.startsWith('sha256:')) throw new Error(`release ${version} publishes no SHA-256 digest for ${asset}, so the download cannot be verified`);

  log(`downloading ${asset} of ${version}`);
  const zip = Buffer.from(await (await fetchOk(`${settings.releasesUrl}/${version}/${asset}`, 'the backend release')).arrayBuffer());
  const actual = createHash('sha256').update(zip).digest('hex');
  if (`sha256:${actual}` !== digest) throw new Error(`${asset} of ${version} does not match its published digest (${digest}, downloaded sha256:${actual}); nothing was installed`);

  const entries = unzipSync(new Uint8Array(zip));
  const binary = entries['convex-local-backend'];
  if (!binary) throw new Error(`${asset} holds no convex-local-backend (it holds ${Object.keys(entries).join(', ') || 'nothing'})`);
  const folder = path.join(cacheRoot, version);
  fs.mkdirSync(folder, { recursive: true });
  const target = path.join(folder, 'convex-local-backend');
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, binary, { mode: 0o755 });
  try {
    await smokeTest(temp);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.renameSync(temp, target);
  log(`convex-local-backend ${version} verified (sha256 ${actual.slice(0, 12)}…) and cached in ${folder}`);
  return target;
}
