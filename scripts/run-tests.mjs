// Runs the whole test suite with node's test runner (TypeScript through tsx): unit tests, then integration tests.
// Each test may take at most 3 minutes: a hung test fails instead of holding CI until its limit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const findTests = (dir) =>
  fs
    .readdirSync(path.join(root, dir), { recursive: true })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join(dir, file))
    .sort();
const files = [...findTests('test/unit'), ...findTests('test/integration')];
if (files.length === 0) {
  console.error('no test files found under test/');
  process.exit(1);
}
const extra = process.argv.slice(2);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', '--test-reporter=spec', ...extra, ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
