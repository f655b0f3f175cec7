// Convex apps for the tests: the STAND-IN backend binary, the convex-app fixture with a stand-in CLI (which records
// what it was given), and the same app with a real `convex` CLI from npm (berth's devDependencies).
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigInput } from '../../src/config/schema.js';
import { getFreePortRun } from './ports.js';
import { fixture, makeTempDir } from './temp.js';
import { startTestDaemon, type TestDaemon } from './test-daemon.js';

export const standIn = path.resolve(import.meta.dirname, '..', 'fixtures', 'convex-stand-in', 'convex-local-backend');

/**
 * A test daemon whose slots run Convex apps against the STAND-IN backend, with no install step (the fixtures' own
 * dependencies are not needed to build them). `basePort` keeps the backends' ports of an earlier daemon.
 */
export async function startConvexDaemon(options: { slots?: string[]; config?: ConfigInput; basePort?: number } = {}): Promise<{ berth: TestDaemon; basePort: number }> {
  const slots = options.slots ?? ['a'];
  const basePort = options.basePort ?? (await getFreePortRun(2 * slots.length));
  const berth = await startTestDaemon({ slots: slots.map((name) => ({ name })), config: { ...options.config, convex: { binary: standIn, basePort } } });
  for (const slot of slots) await berth.client.updateSettings(slot, { installCommand: '' });
  return { berth, basePort };
}

/**
 * The convex-app fixture with an installed `convex` package whose CLI is a STAND-IN (the real CLI needs a real
 * backend to deploy to): it records its arguments and the Convex variables it was given, and succeeds or fails.
 */
export function convexApp(version: string, outcome: 'deploys' | 'fails' = 'deploys', options: { auth?: boolean } = {}): string {
  const dir = makeTempDir('berth-convex-app-');
  fs.cpSync(fixture('convex-app'), dir, { recursive: true });
  if (options.auth) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    manifest.dependencies['@convex-dev/auth'] = '^0.0.80';
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  }
  const cli = path.join(dir, 'node_modules', 'convex');
  fs.mkdirSync(path.join(cli, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(cli, 'package.json'), JSON.stringify({ name: 'convex', version, bin: { convex: 'bin/main.cjs' } }));
  fs.writeFileSync(path.join(cli, 'bin', 'main.cjs'), standInCli(outcome));
  return dir;
}

/**
 * The convex-app fixture with a REAL Convex CLI installed: `convex` (1.48.0, the newest whose engines allow Node 20),
 * `convex-1-26-1` (known to break self-hosted deploys) or `convex-1-51-0` (needs Node 22), linked from berth's own
 * node_modules as the app's node_modules/convex.
 */
export function realCliApp(packageName: 'convex' | 'convex-1-26-1' | 'convex-1-51-0'): string {
  const dir = makeTempDir('berth-convex-real-');
  fs.cpSync(fixture('convex-app'), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(realCliPackage(packageName), path.join(dir, 'node_modules', 'convex'));
  return dir;
}

export const realCliPackage = (packageName: string) => path.resolve(import.meta.dirname, '..', '..', 'node_modules', packageName);

/** The STAND-IN CLI's script: records its arguments and the Convex variables it was given, then deploys or fails. */
function standInCli(outcome: 'deploys' | 'fails'): string {
  return `const fs = require('node:fs');
const pick = ['CONVEX_SELF_HOSTED_URL', 'CONVEX_SELF_HOSTED_ADMIN_KEY', 'CONVEX_DEPLOY_KEY', 'CONVEX_DEPLOYMENT', 'CONVEX_DEPLOYMENT_TOKEN', 'CI', 'VITE_CONVEX_URL'];
const args = process.argv.slice(2);
if (args[0] === 'export') {
  // A stand-in export: the real CLI writes the deployment's tables and files as a ZIP for \`convex import\`.
  fs.writeFileSync(args[args.indexOf('--path') + 1], JSON.stringify({ standInExport: true, from: process.env.CONVEX_SELF_HOSTED_URL }));
  process.exit(0);
}
fs.writeFileSync('cli-call.json', JSON.stringify({ args, env: Object.fromEntries(pick.map((name) => [name, process.env[name]])) }));
if (${JSON.stringify(outcome)} === 'fails') { console.error('✖ Error: Hit an error while pushing: schema validation failed in messages'); process.exit(1); }
console.log('✔ Deployed Convex functions to ' + process.env.CONVEX_SELF_HOSTED_URL);
`;
}

/**
 * The convex-vite-app fixture, ready to build with the real Vite, React and Convex client from berth's node_modules;
 * its `convex` package is the real one (for `convex/react`) with its CLI swapped for the STAND-IN, since the real CLI
 * cannot push to the stand-in backend.
 */
export function viteConvexApp(): string {
  const dir = makeTempDir('berth-convex-vite-');
  fs.cpSync(fixture('convex-vite-app'), dir, { recursive: true });
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '@vitejs'), { recursive: true });
  for (const name of ['react', 'react-dom', 'vite', '@vitejs/plugin-react']) fs.symlinkSync(realCliPackage(name), path.join(modules, name));
  const real = realCliPackage('convex');
  const cli = path.join(modules, 'convex');
  fs.mkdirSync(path.join(cli, 'bin'), { recursive: true });
  for (const entry of fs.readdirSync(real)) if (entry !== 'package.json' && entry !== 'bin') fs.symlinkSync(path.join(real, entry), path.join(cli, entry));
  const manifest = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(cli, 'package.json'), JSON.stringify({ ...manifest, bin: { convex: 'bin/main.cjs' } }));
  fs.writeFileSync(path.join(cli, 'bin', 'main.cjs'), standInCli('deploys'));
  return dir;
}
