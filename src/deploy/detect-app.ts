// Decides how to run a folder: a Node.js app (and its start command) or a static site.
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { ReleaseKind, StartCommand } from '../store/records.js';

export interface DetectedApp {
  kind: ReleaseKind;
  command: StartCommand | null;
  /** Why this choice, in words, for the deploy log. */
  reason: string;
}

const ENTRY_FILES = ['server.js', 'index.js', 'app.js', 'server.mjs', 'index.mjs', 'app.mjs'];

export function detectApp(folder: string, nodePath: string): DetectedApp {
  const manifest = readPackageJson(folder);
  if (manifest?.scripts?.start) {
    return { kind: 'node', command: { command: 'npm', args: ['start', '--silent'], display: 'npm start' }, reason: 'package.json has a start script → npm start' };
  }
  const main = typeof manifest?.main === 'string' ? manifest.main : null;
  if (main && fs.existsSync(path.join(folder, main))) {
    return { kind: 'node', command: nodeCommand(nodePath, main), reason: `package.json main → node ${main}` };
  }
  const entry = ENTRY_FILES.find((file) => fs.existsSync(path.join(folder, file)));
  if (entry) return { kind: 'node', command: nodeCommand(nodePath, entry), reason: `${entry} found → node ${entry}` };
  if (fs.existsSync(path.join(folder, 'index.html'))) return { kind: 'static', command: null, reason: 'index.html found → static site' };
  throw new BerthError('ERR_DEPLOY_SOURCE_UNRECOGNISED', `berth cannot tell how to run ${folder}: it has no package.json start script or main, no ${ENTRY_FILES.join('/')}, and no index.html.`, {
    details: { folder },
  });
}

function nodeCommand(nodePath: string, file: string): StartCommand {
  return { command: nodePath, args: [file], display: `node ${file}` };
}

interface PackageJson {
  main?: unknown;
  scripts?: Record<string, string>;
}

function readPackageJson(folder: string): PackageJson | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}
