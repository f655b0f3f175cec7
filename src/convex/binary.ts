// Where the Convex backend binary comes from: the path in berth's config, or the copy the Convex CLI caches for
// `npx convex dev --local` (~/.cache/convex/binaries/<version>/convex-local-backend, newest first), or a verified
// download into that cache where the machine has internet. With none of them, the error says exactly how to provide one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import { downloadBackend, type DownloadSettings } from './download.js';

export const BINARY_NAME = 'convex-local-backend';

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const cacheRoot = (home: string) => path.join(home, '.cache', 'convex', 'binaries');

/** The Convex CLI's cache of backend binaries, newest version first (the pinned version only, when one is pinned). */
function cachedBinaries(home: string, pinned: string | null = null): string[] {
  const root = cacheRoot(home);
  let versions: string[];
  try {
    versions = fs.readdirSync(root);
  } catch {
    return [];
  }
  return versions
    .filter((version) => pinned === null || version === pinned)
    .map((version) => path.join(root, version, BINARY_NAME))
    .filter(executable)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

/**
 * The binary to run: configured, cached, or downloaded (verified) into the cache. `log` hears about a download.
 */
export async function resolveBackendBinary(settings: { binary: string | null; download: DownloadSettings }, home: string, log: (line: string) => void): Promise<string> {
  if (settings.binary || !settings.download.enabled) return findBackendBinary(settings.binary, home, settings.download.version);
  const cached = cachedBinaries(home, settings.download.version);
  if (cached.length > 0) return cached[0];
  try {
    return await downloadBackend(settings.download, cacheRoot(home), log);
  } catch (error) {
    try {
      return findBackendBinary(null, home, settings.download.version);
    } catch (missing) {
      const berthError = missing as BerthError;
      throw new BerthError('ERR_CONVEX_BACKEND_MISSING', `${berthError.message} The download failed: ${(error as Error).message}.`, { remedy: berthError.remedy, details: { download: (error as Error).message } });
    }
  }
}

export function findBackendBinary(configured: string | null, home = os.homedir(), pinned: string | null = null): string {
  if (configured) {
    if (executable(configured)) return configured;
    throw new BerthError('ERR_CONVEX_BACKEND_MISSING', `The Convex backend binary configured in convex.binary (${configured}) is not an executable file.`, {
      remedy: 'Point convex.binary at convex-local-backend, unzipped from the official release (github.com/get-convex/convex-backend/releases) and made executable (chmod +x).',
      details: { binary: configured },
    });
  }
  const cached = cachedBinaries(home, pinned);
  if (cached.length > 0) return cached[0];
  throw new BerthError('ERR_CONVEX_BACKEND_MISSING', 'This slot is a Convex app, and no Convex backend binary (convex-local-backend) was found.', {
    remedy: `Download convex-local-backend-x86_64-unknown-linux-gnu.zip from github.com/get-convex/convex-backend/releases, unzip it, chmod +x the binary and set convex.binary in BERTH_HOME/config.json to its path; or run \`npx convex dev --local\` once in a Convex project, which caches it under ~/.cache/convex/binaries. To deploy without a backend, set the slot's convex setting off.`,
  });
}
