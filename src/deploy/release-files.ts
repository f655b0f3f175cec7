// Release folders on disk: copying a source folder in, and removing folders no kept release uses.
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';

export function assertSourceFolder(source: string): string {
  const folder = path.resolve(source);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
  } catch {
    throw new BerthError('ERR_DEPLOY_SOURCE_MISSING', `There is no folder at ${folder}.`, { details: { path: folder } });
  }
  if (!stat.isDirectory()) throw new BerthError('ERR_DEPLOY_SOURCE_MISSING', `${folder} is a file, not a folder.`, { details: { path: folder } });
  return folder;
}

/** Copies the source into a new release folder; .git is left out, symlinks are kept as they are. */
export function copyIntoRelease(source: string, destination: string): void {
  fs.rmSync(destination, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  fs.cpSync(source, destination, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (file) => path.basename(file) !== '.git',
  });
}

export function removeFolder(folder: string): void {
  fs.rmSync(folder, { recursive: true, force: true });
}
