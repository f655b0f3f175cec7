// Where the Convex backend binary comes from: the path in berth's config, or the copy the Convex CLI caches for
// `npx convex dev --local` (~/.cache/convex/binaries/<version>/convex-local-backend), newest first. With neither,
// the error says exactly how to provide one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';

export const BINARY_NAME = 'convex-local-backend';

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The Convex CLI's cache of backend binaries, newest version first. */
function cachedBinaries(home: string): string[] {
  const root = path.join(home, '.cache', 'convex', 'binaries');
  let versions: string[];
  try {
    versions = fs.readdirSync(root);
  } catch {
    return [];
  }
  return versions
    .map((version) => path.join(root, version, BINARY_NAME))
    .filter(executable)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

export function findBackendBinary(configured: string | null, home = os.homedir()): string {
  if (configured) {
    if (executable(configured)) return configured;
    throw new BerthError('ERR_CONVEX_BACKEND_MISSING', `The Convex backend binary configured in convex.binary (${configured}) is not an executable file.`, {
      remedy: 'Point convex.binary at convex-local-backend, unzipped from the official release (github.com/get-convex/convex-backend/releases) and made executable (chmod +x).',
      details: { binary: configured },
    });
  }
  const cached = cachedBinaries(home);
  if (cached.length > 0) return cached[0];
  throw new BerthError('ERR_CONVEX_BACKEND_MISSING', 'This slot is a Convex app, and no Convex backend binary (convex-local-backend) was found.', {
    remedy: `Download convex-local-backend-x86_64-unknown-linux-gnu.zip from github.com/get-convex/convex-backend/releases, unzip it, chmod +x the binary and set convex.binary in BERTH_HOME/config.json to its path; or run \`npx convex dev --local\` once in a Convex project, which caches it under ~/.cache/convex/binaries. To deploy without a backend, set the slot's convex setting off.`,
  });
}
