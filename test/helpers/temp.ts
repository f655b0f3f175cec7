// Temporary folders that tests remove when they finish.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeTempDir(prefix = 'berth-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const fixturesDir = path.resolve(import.meta.dirname, '..', 'fixtures', 'apps');
export const fixture = (name: string) => path.join(fixturesDir, name);
