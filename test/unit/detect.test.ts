// Every detection rule, on real folder trees: package manager, install, build, how to run, static output, overrides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectApp } from '../../src/deploy/detect-app.js';
import { planInstall, type PackageManager } from '../../src/deploy/detect-install.js';
import type { SlotSettings } from '../../src/store/records.js';
import { writeTree, type FileTree } from '../helpers/git-repos.js';
import { makeTempDir } from '../helpers/temp.js';

const tools = { nodePath: '/usr/bin/node', nodeVersion: 'v20.20.2' };
const tree = (files: FileTree) => {
  const root = makeTempDir('berth-detect-');
  writeTree(root, files);
  return root;
};
const pkg = (manifest: Record<string, unknown>) => JSON.stringify({ name: 'fx', ...manifest });
const install = (files: FileTree, settings: SlotSettings = {}, appDir = '') => planInstall(tree(files), appDir, settings, tools);
const run = (files: FileTree, settings: SlotSettings = {}, packageManager: PackageManager = 'npm', appDir = '') => detectApp({ ...tools, sourceRoot: tree(files), appDir, settings, packageManager });

test('the package manager comes from the lockfile: npm ci, pnpm and yarn through corepack', () => {
  const deps = pkg({ dependencies: { x: '1' } });
  assert.equal(install({ 'package.json': deps, 'package-lock.json': '{}' }).install?.display, 'npm ci --no-audit --no-fund');
  const pnpm = install({ 'package.json': deps, 'pnpm-lock.yaml': '' });
  assert.deepEqual([pnpm.packageManager, pnpm.install?.display, pnpm.install?.args[0]], ['pnpm', 'pnpm install --frozen-lockfile', 'pnpm']);
  assert.match(pnpm.install!.command, /corepack$/);
  assert.equal(install({ 'package.json': deps, 'yarn.lock': '' }).install?.display, 'yarn install --frozen-lockfile');
  assert.equal(install({ 'package.json': deps, 'yarn.lock': '', '.yarnrc.yml': '' }).install?.display, 'yarn install --immutable');
  assert.ok(install({ 'package.json': deps, 'pnpm-lock.yaml': '' }).explanation.includes('pnpm-lock.yaml found → pnpm'));
});

test('without a lockfile: npm install when there are dependencies, nothing when there are none', () => {
  const plain = install({ 'package.json': pkg({ dependencies: { x: '1' } }) });
  assert.equal(plain.install?.display, 'npm install --no-audit --no-fund');
  assert.match(plain.explanation.join('\n'), /add a lockfile/);
  assert.equal(install({ 'package.json': pkg({}) }).install, null);
  assert.equal(install({ 'index.html': '' }).install, null);
  assert.equal(install({ 'package.json': pkg({ packageManager: 'pnpm@9.0.0', dependencies: { x: '1' } }) }).install?.display, 'pnpm install');
});

test('a build runs when a build script exists, with the package manager of the lockfile', () => {
  assert.equal(install({ 'package.json': pkg({ scripts: { build: 'vite build' } }), 'pnpm-lock.yaml': '' }).build?.display, 'pnpm run build');
  assert.equal(install({ 'package.json': pkg({ scripts: { start: 'node x' } }) }).build, null);
});

test('a monorepo app installs from the root that holds the lockfile', () => {
  const plan = install({ 'package.json': pkg({}), 'pnpm-lock.yaml': '', 'apps/web/package.json': pkg({ scripts: { build: 'b' } }) }, {}, 'apps/web');
  assert.equal(plan.installDir, '');
  assert.equal(plan.lockfile, 'pnpm-lock.yaml');
  assert.equal(plan.build?.display, 'pnpm run build');
  assert.ok(plan.explanation.includes('pnpm-lock.yaml found → pnpm (installed from the repository root)'));
});

test('settings override install and build; an empty command skips the step', () => {
  const files = { 'package.json': pkg({ dependencies: { x: '1' }, scripts: { build: 'b' } }), 'package-lock.json': '{}' };
  const plan = install(files, { installCommand: '', buildCommand: 'make site' });
  assert.equal(plan.install, null);
  assert.deepEqual([plan.build?.command, plan.build?.args], ['/bin/sh', ['-c', 'make site']]);
});

test('how to run: a plain `node file` start script runs node directly; other start scripts through the package manager', () => {
  const direct = run({ 'package.json': pkg({ scripts: { start: 'node server.js' } }), 'server.js': '' });
  assert.deepEqual([direct.command?.command, direct.command?.args], ['/usr/bin/node', ['server.js']]);
  assert.equal(run({ 'package.json': pkg({ scripts: { start: 'node server.js --flag' } }) }, {}, 'pnpm').command?.display, 'pnpm start');
  assert.equal(run({ 'package.json': pkg({ scripts: { start: 'next start' } }) }).command?.display, 'npm start');
});

test('frameworks that need their own command: Next.js, SvelteKit adapter-node, Nuxt, Astro node adapter', () => {
  const next = run({ 'package.json': pkg({ dependencies: { next: '15' } }), 'node_modules/.bin/next': '' });
  assert.equal(next.command?.display, 'next start -p $PORT');
  assert.deepEqual(next.command?.args, ['-c', 'exec "$0" start -p "$PORT"', 'node_modules/.bin/next']);
  assert.equal(run({ 'package.json': pkg({ devDependencies: { '@sveltejs/adapter-node': '5' } }), 'build/index.js': '' }).command?.display, 'node build/index.js');
  assert.equal(run({ 'package.json': pkg({ dependencies: { nuxt: '3' } }), '.output/server/index.mjs': '' }).command?.display, 'node .output/server/index.mjs');
  assert.equal(run({ 'package.json': pkg({ dependencies: { '@astrojs/node': '9' } }), 'dist/server/entry.mjs': '' }).command?.display, 'node dist/server/entry.mjs');
  // An Astro site without the node adapter's output is static.
  assert.equal(run({ 'package.json': pkg({ dependencies: { astro: '5' } }), 'dist/index.html': '' }).kind, 'static');
});

test('entry files: package.json main, then server.js, index.js, app.js', () => {
  assert.equal(run({ 'package.json': pkg({ main: 'lib/main.js' }), 'lib/main.js': '', 'server.js': '' }).command?.display, 'node lib/main.js');
  assert.equal(run({ 'server.js': '', 'index.js': '' }).command?.display, 'node server.js');
  assert.equal(run({ 'index.js': '', 'app.js': '' }).command?.display, 'node index.js');
  assert.equal(run({ 'app.js': '' }).command?.display, 'node app.js');
});

test('static sites: a build output folder with index.html, or index.html at the top; settings pick the folder', () => {
  for (const dir of ['dist', 'build', 'out', 'public', '_site']) {
    const site = run({ [`${dir}/index.html`]: '' });
    assert.deepEqual([site.kind, site.staticDir], ['static', dir], dir);
  }
  assert.deepEqual([run({ 'index.html': '' }).kind, run({ 'index.html': '' }).staticDir], ['static', '']);
  assert.equal(run({ 'site/index.html': '', 'dist/index.html': '' }, { staticDir: 'site' }).staticDir, 'site');
  assert.throws(() => run({ 'dist/index.html': '' }, { staticDir: 'nope' }), { code: 'ERR_DEPLOY_SOURCE_UNRECOGNISED' });
});

test('a start command in the settings wins over everything; nothing recognisable is a clear error', () => {
  const own = run({ 'server.js': '' }, { startCommand: 'node --enable-source-maps server.js' });
  assert.deepEqual(own.command?.args, ['-c', 'node --enable-source-maps server.js']);
  assert.throws(() => run({ 'README.md': '' }), (error: Error & { code: string }) => error.code === 'ERR_DEPLOY_SOURCE_UNRECOGNISED' && /no `start` script/.test(error.message));
});

test('engines.node and .nvmrc that this Node does not satisfy give warnings, not failures', () => {
  assert.deepEqual(install({ 'package.json': pkg({ engines: { node: '>=20' } }), '.nvmrc': '20' }).warnings, []);
  const warnings = install({ 'package.json': pkg({ engines: { node: '^18' } }), '.nvmrc': 'v22.1.0' }).warnings;
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /asks for Node \^18 \(engines\.node\) but this machine runs Node v20\.20\.2/);
  assert.match(warnings[1]!, /\.nvmrc asks for Node v22\.1\.0/);
  assert.deepEqual(install({ 'package.json': pkg({}), '.nvmrc': 'lts/*' }).warnings, [], 'names like lts/* are not judged');
});
