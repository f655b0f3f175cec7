// Convex apps shaped like the real ones: detection across repository shapes (a dependency, convex.json, a functions
// folder elsewhere, look-alikes that are not Convex apps), a Vite + React app built by the real `vite build` that
// inlines the slot's public Convex URL, and a Next-shaped app whose functions live in src/convex. The backend is the
// STAND-IN (test/fixtures/convex-stand-in); the Vite app's CLI is the stand-in CLI inside the real convex package.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { convexReason, functionsFolder } from '../../src/convex/detect.js';
import { convexApp, viteConvexApp, startConvexDaemon } from '../helpers/convex-apps.js';
import { request } from '../helpers/http.js';
import { fixture, makeTempDir } from '../helpers/temp.js';
import type { TestDaemon } from '../helpers/test-daemon.js';

test('detection: a convex dependency, convex.json, or a functions folder; look-alikes are not Convex apps', () => {
  assert.equal(convexReason(fixture('convex-vite-app'), null), 'package.json depends on convex ^1.48.0');
  assert.equal(convexReason(fixture('convex-next-app'), null), 'convex.json found');
  assert.equal(functionsFolder(fixture('convex-next-app')), path.join(fixture('convex-next-app'), 'src', 'convex'));
  assert.equal(functionsFolder(fixture('convex-vite-app')), path.join(fixture('convex-vite-app'), 'convex'));

  const foldersOnly = makeTempDir('berth-convex-folder-');
  fs.cpSync(path.join(fixture('convex-vite-app'), 'convex'), path.join(foldersOnly, 'convex'), { recursive: true });
  assert.equal(convexReason(foldersOnly, null), 'a convex/ folder of functions');

  const lookAlike = makeTempDir('berth-convex-lookalike-');
  fs.writeFileSync(path.join(lookAlike, 'package.json'), JSON.stringify({ dependencies: { 'convex-helpers': '^0.1.0', 'convex-ui': '1.0.0' } }));
  fs.mkdirSync(path.join(lookAlike, 'src', 'convex'), { recursive: true });
  fs.writeFileSync(path.join(lookAlike, 'convex'), 'a file, not a folder of functions\n');
  assert.equal(convexReason(lookAlike, null), null);
  for (const name of ['echo', 'static-site']) assert.equal(convexReason(fixture(name), null), null, name);
  assert.equal(convexReason(fixture('echo'), true), 'the slot setting convex is on');
  assert.equal(convexReason(fixture('convex-vite-app'), false), null);
});

let berth: TestDaemon;
let basePort: number;
before(async () => {
  ({ berth, basePort } = await startConvexDaemon());
});
after(() => berth.close());

test("a Vite + React Convex app: its functions deploy first, then the real vite build inlines the slot's public Convex URL", async () => {
  const done = await berth.client.deploy('a', viteConvexApp());
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.deepEqual(done.stages.map((stage) => stage.name).filter((name) => ['convex', 'functions', 'build'].includes(name)), ['convex', 'functions', 'build']);
  const release = path.join(berth.home, 'slots', 'a', 'releases', done.id);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(release, 'cli-call.json'), 'utf8')).args, ['deploy']);

  const page = await request(berth.slotUrl('a'));
  assert.equal(page.status, 200);
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
  assert.ok(script, `the built page loads its bundle: ${page.body}`);
  const bundle = await request(`${berth.slotUrl('a').replace(/\/$/, '')}${script}`);
  assert.equal(bundle.status, 200);
  assert.ok(bundle.body.includes(`http://localhost:${basePort}`), 'the public Convex URL is inlined into the bundle');
  assert.ok(!bundle.body.includes('import.meta.env.VITE_CONVEX_URL'), 'nothing left for the browser to resolve');
  assert.match(bundle.body, /\.tasks\.get\b/, "App's useQuery(api.tasks.get), through the committed generated API");
});

test('a Next-shaped app with its functions in src/convex (convex.json): they are deployed, and the build gets NEXT_PUBLIC_CONVEX_URL', async () => {
  const app = convexApp('1.48.0');
  fs.rmSync(path.join(app, 'convex'), { recursive: true });
  fs.cpSync(fixture('convex-next-app'), app, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(fixture('convex-next-app'), 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(manifest));
  const done = await berth.client.deploy('a', app);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  const log = (await berth.client.deployLog(done.id)).lines.map((line) => line.text).join('\n');
  assert.match(log, /Convex app: convex\.json found/);
  assert.doesNotMatch(log, /nothing to deploy/, 'the functions in src/convex are deployed');
  assert.ok(fs.existsSync(path.join(berth.home, 'slots', 'a', 'releases', done.id, 'cli-call.json')));
  assert.match((await request(berth.slotUrl('a'))).body, new RegExp(`window\\.CONVEX_URL = "http://localhost:${basePort}"`));
});
