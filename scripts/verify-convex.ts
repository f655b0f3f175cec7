// Checks the whole Convex path with the REAL convex-local-backend binary (the tests use a stand-in): a real
// `berth up`, the convex-app fixture with the real `convex` package from npm, a deploy (backend start, health, admin
// key, `convex deploy` of its functions, the front-end build), then `berth convex doctor`. Without a binary it says
// so and skips (exit 0). Then it calls the deployed functions through the backend's HTTP API (a mutation, a query).
// Run: `npm run verify:convex`. BERTH_CONVEX_BINARY=/path/to/convex-local-backend chooses the binary (else the
// Convex CLI's cache, else a verified download where there is internet); BERTH_CONVEX_CLI=1.48.0 the convex version
// (default: the one berth tests with); BERTH_CONVEX_STORAGE=postgres puts the backend's data on berth's Postgres.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBerth } from '../bench/lib/berth-under-test.js';
import { resolveBackendBinary } from '../src/convex/binary.js';
import { DOWNLOAD_DEFAULTS } from '../src/config/schema.js';
import { getFreePortRun } from '../test/helpers/ports.js';

let binary: string;
try {
  binary = await resolveBackendBinary({ binary: process.env.BERTH_CONVEX_BINARY ?? null, download: DOWNLOAD_DEFAULTS }, os.homedir(), (line) => console.log(`verify-convex: ${line}`));
} catch (error) {
  console.log(`verify-convex: skipped — ${(error as Error).message}\n  ${(error as { remedy?: string }).remedy ?? ''}`);
  process.exit(0);
}
console.log(`verify-convex: using ${binary}`);

const app = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-verify-convex-'));
fs.cpSync(path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'apps', 'convex-app'), app, { recursive: true });
// The newest CLIs need Node 22; by default the version berth's own tests run (its devDependency).
const cliVersion = process.env.BERTH_CONVEX_CLI ?? JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8')).devDependencies.convex;
console.log(`installing the real convex@${cliVersion} from npm …`);
execFileSync('npm', ['install', '--no-audit', '--no-fund', `convex@${cliVersion}`], { cwd: app, stdio: 'inherit' });

/** A call of a deployed function through the backend's public HTTP API, as a browser's client would make it. */
async function call(url: string, kind: 'query' | 'mutation', name: string, args: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${url}/api/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: name, args, format: 'json' }) });
  const body = (await response.json()) as { status: string; value?: unknown; errorMessage?: string };
  if (body.status !== 'success') throw new Error(`${kind} ${name}: ${body.errorMessage ?? JSON.stringify(body)}`);
  return body.value;
}

const berth = await startBerth(['a'], { convex: { binary, basePort: await getFreePortRun(2) } });
let failed = false;
try {
  await berth.client.updateSettings('a', { installCommand: '', ...(process.env.BERTH_CONVEX_STORAGE === 'postgres' ? { convexStorage: 'postgres' as const } : {}) });
  const done = await berth.client.deploy('a', app);
  console.log(`deploy: ${done.status}; stages: ${done.stages.map((stage) => `${stage.name}${stage.ok === false ? ' ✗' : ''}`).join(', ')}`);
  const status = await berth.client.convex('a');
  console.log(`backend: ${status.running ? 'running' : 'NOT running'} at ${status.urls.api} (${status.storage?.database ?? '?'})`);
  await call(status.urls.api, 'mutation', 'messages:send', { author: 'berth', body: 'hello from verify-convex' });
  const messages = (await call(status.urls.api, 'query', 'messages:list', {})) as Array<{ body: string }>;
  console.log(`functions: messages:send then messages:list → ${messages.length} message(s): ${messages.map((message) => message.body).join(', ')}`);
  if (!messages.some((message) => message.body === 'hello from verify-convex')) throw new Error('the query did not return what the mutation stored');
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
