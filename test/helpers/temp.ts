// Temporary folders that tests remove when they finish: each test file runs in its own process, and every folder
// made here is removed when that process exits, whatever the test did with it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

export function makeTempDir(prefix = 'berth-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const fixturesDir = path.resolve(import.meta.dirname, '..', 'fixtures', 'apps');
export const fixture = (name: string) => path.join(fixturesDir, name);
