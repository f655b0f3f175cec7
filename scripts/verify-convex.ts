// Checks the whole Convex path with the REAL convex-local-backend binary (the tests use a stand-in): a real
// `berth up`, the convex-app fixture with the real `convex` package from npm, a deploy (backend start, health, admin
// key, `convex deploy` of its functions, the front-end build), then `berth convex doctor`. Without a binary it says
// so and skips (exit 0). Run: `npm run verify:convex` (BERTH_CONVEX_BINARY=/path/to/convex-local-backend to choose).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBerth } from '../bench/lib/berth-under-test.js';
import { findBackendBinary } from '../src/convex/binary.js';
import { getFreePortRun } from '../test/helpers/ports.js';

let binary: string;
try {
  binary = findBackendBinary(process.env.BERTH_CONVEX_BINARY ?? null);
} catch (error) {
  console.log(`verify-convex: skipped — ${(error as Error).message}\n  ${(error as { remedy?: string }).remedy ?? ''}`);
  process.exit(0);
}
console.log(`verify-convex: using ${binary}`);

const app = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-verify-convex-'));
fs.cpSync(path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'apps', 'convex-app'), app, { recursive: true });
console.log('installing the real convex package from npm …');
execFileSync('npm', ['install', '--no-audit', '--no-fund', 'convex@latest'], { cwd: app, stdio: 'inherit' });

const berth = await startBerth(['a'], { convex: { binary, basePort: await getFreePortRun(2) } });
let failed = false;
try {
  await berth.client.updateSettings('a', { installCommand: '' });
  const done = await berth.client.deploy('a', app);
  console.log(`deploy: ${done.status}; stages: ${done.stages.map((stage) => `${stage.name}${stage.ok === false ? ' ✗' : ''}`).join(', ')}`);
  const status = await berth.client.convex('a');
  console.log(`backend: ${status.running ? 'running' : 'NOT running'} at ${status.urls.api}`);
  for (const finding of await berth.client.convexDoctor('a')) {
    console.log(`${finding.verdict.padEnd(4)} ${finding.check}: ${finding.message}`);
    if (finding.verdict === 'fail') failed = true;
  }
} catch (error) {
  failed = true;
  console.error(`verify-convex: ${(error as Error).message}`);
} finally {
  await berth.stop();
  fs.rmSync(app, { recursive: true, force: true });
}
console.log(failed ? 'verify-convex: FAILED' : 'verify-convex: the whole path works with the real binary');
process.exit(failed ? 1 : 0);
