// Where a slot's Convex backend keeps its data, against the STAND-IN backend (test/fixtures/convex-stand-in) and a
// real embedded Postgres: a backend on the slot's Postgres (berth makes the database the backend looks up), the
// storage remembered and a change refused, `berth convex reset` keeping an export before it starts over on the new
// storage, S3 settings passed to the backend and checked by the doctor, and an already-running backend per slot.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { convexApp, standIn, startConvexDaemon } from '../helpers/convex-apps.js';
import { runCli } from '../helpers/berth-process.js';
import { request } from '../helpers/http.js';
import { getFreePort } from '../helpers/ports.js';
import { makeTempDir } from '../helpers/temp.js';
import type { TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
let basePort: number;
let pgPort: number;
const convexDir = (slot: string) => path.join(berth.home, 'slots', slot, 'convex');
const startRecord = (slot: string) => JSON.parse(fs.readFileSync(path.join(convexDir(slot), 'storage', 'stand-in-start.json'), 'utf8')) as { args: string[]; env: Record<string, string> };
const databases = async (): Promise<string[]> => {
  const password = fs.readFileSync(path.join(berth.home, 'secrets', 'postgres-password'), 'utf8').trim();
  const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password, database: 'postgres' });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
};

before(async () => {
  pgPort = await getFreePort();
  ({ berth, basePort } = await startConvexDaemon({ slots: ['a', 'b'], config: { database: { port: pgPort, adminUrl: null, useWorkspaceUrl: false } } }));
});
after(() => berth.close());

test("a backend on the slot's Postgres: berth makes the database named after the instance and passes the server URL", async () => {
  await berth.client.updateSettings('a', { convexStorage: 'postgres' });
  const done = await berth.client.deploy('a', convexApp('1.48.0'));
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  const { args, env } = startRecord('a');
  const db = args.indexOf('--db');
  assert.deepEqual(args.slice(db, db + 2), ['--db', 'postgres-v5']);
  const serverUrl = new URL(args[db + 2]);
  assert.equal(serverUrl.pathname, '', 'the server URL names no database: the backend adds the instance name');
  assert.equal(serverUrl.username, 'berth_a_convex');
  assert.ok(!args.some((arg) => arg.endsWith('.sqlite3')), 'no SQLite file');
  assert.equal(env.DO_NOT_REQUIRE_SSL, '1', 'the embedded server is on loopback without TLS');
  assert.ok((await databases()).includes('berth_a'));
  const instance = JSON.parse(fs.readFileSync(path.join(convexDir('a'), 'instance.json'), 'utf8'));
  assert.deepEqual(instance.storage, { database: 'postgres', files: 'local' });
  assert.deepEqual((await berth.client.convex('a')).storage, { database: 'postgres', files: 'local' });
  const log = (await berth.client.deployLog(done.id)).lines.map((line) => line.text).join('\n');
  assert.ok(!log.includes(instance.dbPassword), 'the Postgres password is not in the deploy log');
});

test('the storage is remembered: a change the backend could not start with is refused, with the reset that does it', async () => {
  for (const patch of [{ convexStorage: 'sqlite' as const }, { convexFiles: 's3' as const }]) {
    await assert.rejects(berth.client.updateSettings('a', patch), (error: Error & { code?: string; remedy?: string }) => {
      assert.equal(error.code, 'ERR_CONVEX_STORAGE_LOCKED');
      assert.match(error.message, /keeps its data in Postgres with local files; it cannot switch/);
      assert.match(error.remedy ?? '', /berth convex reset a --storage/);
      return true;
    });
  }
  assert.equal((await berth.client.settings('a')).settings.convexStorage, 'postgres', 'nothing changed');
  const cli = await runCli(berth.home, ['slot', 'set', 'a', '--convex-storage', 'sqlite']);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /ERR_CONVEX_STORAGE_LOCKED|cannot switch/);
  const doctor = await berth.client.convexDoctor('a');
  assert.match(doctor.find((finding) => finding.check === 'storage')?.message ?? '', /keeps its data in postgres with local files, as the slot's settings say/);
});

test('berth convex reset: export first (kept), the database dumped and dropped, then a new backend on the new storage', async () => {
  const before = JSON.parse(fs.readFileSync(path.join(convexDir('a'), 'instance.json'), 'utf8'));
  const refused = await runCli(berth.home, ['convex', 'reset', 'a', '--storage', 'sqlite']);
  assert.equal(refused.code, 1, 'reset empties a backend: it needs --yes');
  assert.match(refused.stderr, /--yes/);

  const reset = await runCli(berth.home, ['convex', 'reset', 'a', '--storage', 'sqlite', '--yes', '--json']);
  assert.equal(reset.code, 0, reset.stderr);
  const result = JSON.parse(reset.stdout) as { exportDir: string; convexExport: string | null; kept: string[]; notes: string[] };
  assert.ok(result.convexExport && fs.existsSync(result.convexExport), `the live release's CLI made an export: ${result.notes.join('; ')}`);
  assert.equal(JSON.parse(fs.readFileSync(result.convexExport!, 'utf8')).from, `http://127.0.0.1:${basePort}`);
  const dump = path.join(result.exportDir, 'convex-postgres.dump');
  const listing = execFileSync('/usr/lib/postgresql/15/bin/pg_restore', ['--list', dump], { encoding: 'utf8' });
  assert.match(listing, /TABLE public stand_in_meta/, 'the dump holds the backend database');
  assert.equal(JSON.parse(fs.readFileSync(path.join(result.exportDir, 'instance', 'instance.json'), 'utf8')).secret, before.secret, 'the instance kept as it was');
  assert.ok(!(await databases()).includes('berth_a'), 'the database was dropped');
  assert.equal((await berth.client.settings('a')).settings.convexStorage, 'sqlite');
  assert.ok((await berth.client.events('a')).some((event) => event.type === 'convex.reset'));

  const again = await berth.client.deploy('a', convexApp('1.48.0'));
  assert.equal(again.status, 'succeeded', JSON.stringify(again.error));
  const fresh = JSON.parse(fs.readFileSync(path.join(convexDir('a'), 'instance.json'), 'utf8'));
  assert.notEqual(fresh.secret, before.secret, 'a new instance');
  assert.deepEqual(fresh.storage, { database: 'sqlite', files: 'local' });
  assert.ok(startRecord('a').args.some((arg) => arg.endsWith('convex_local_backend.sqlite3')));
});

test("S3 files: the slot's AWS_/S3_ env goes to the backend, and the doctor checks the buckets and that the endpoint resolves here", async () => {
  await runCli(berth.home, ['convex', 'reset', 'a', '--files', 's3', '--yes']);
  await berth.client.changeEnv('a', { set: { AWS_ACCESS_KEY_ID: 'minio', AWS_SECRET_ACCESS_KEY: 'minio-secret-123', S3_ENDPOINT_URL: 'http://minio.invalid:9000', S3_STORAGE_FILES_BUCKET: 'files' }, secret: ['AWS_SECRET_ACCESS_KEY'] });
  const done = await berth.client.deploy('a', convexApp('1.48.0'));
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  const { env } = startRecord('a');
  assert.equal(env.S3_ENDPOINT_URL, 'http://minio.invalid:9000');
  assert.equal(env.AWS_SECRET_ACCESS_KEY, 'minio-secret-123');
  const doctor = await berth.client.convexDoctor('a');
  const verdict = (check: string) => doctor.find((finding) => finding.check === check);
  assert.equal(verdict('s3')?.verdict, 'fail');
  assert.match(verdict('s3')!.message, /without S3_STORAGE_MODULES_BUCKET/);
  assert.equal(verdict('s3 endpoint')?.verdict, 'fail');
  assert.match(verdict('s3 endpoint')!.message, /minio\.invalid does not resolve here/);
  assert.match(verdict('s3 endpoint')!.remedy ?? '', /not a Docker service name/);
});

test('an already-running backend per slot: berth starts none, checks it and its key, and wires the app to it', async () => {
  const port = await getFreePort();
  const secret = crypto.randomBytes(32).toString('hex');
  const storage = makeTempDir('berth-external-convex-');
  const external = spawn(process.execPath, [standIn, '--port', String(port), '--instance-name', 'elsewhere', '--instance-secret', secret, '--local-storage', storage, path.join(storage, 'db.sqlite3')], { stdio: 'ignore' });
  try {
    const key = execFileSync(process.execPath, [standIn, 'keygen', 'admin-key', '--instance-name', 'elsewhere', '--instance-secret', secret], { encoding: 'utf8' }).trim();
    for (let tries = 0; tries < 100 && (await request(`http://127.0.0.1:${port}/version`).catch(() => null))?.status !== 200; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await berth.client.updateSettings('b', { convexUrl: `http://127.0.0.1:${port}/` });
    await berth.client.changeEnv('b', { set: { CONVEX_SELF_HOSTED_ADMIN_KEY: 'wrong' }, secret: ['CONVEX_SELF_HOSTED_ADMIN_KEY'] });
    await assert.rejects(berth.client.deploy('b', convexApp('1.48.0')), (error: Error & { code?: string }) => error.code === 'ERR_CONVEX_BACKEND_FAILED' && /refuses the admin key/.test(error.message));

    await berth.client.changeEnv('b', { set: { CONVEX_SELF_HOSTED_ADMIN_KEY: key } });
    const done = await berth.client.deploy('b', convexApp('1.48.0'));
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const call = JSON.parse(fs.readFileSync(path.join(berth.home, 'slots', 'b', 'releases', done.id, 'cli-call.json'), 'utf8'));
    assert.equal(call.env.CONVEX_SELF_HOSTED_URL, `http://127.0.0.1:${port}`);
    assert.equal(call.env.CONVEX_SELF_HOSTED_ADMIN_KEY, key);
    assert.equal(call.env.VITE_CONVEX_URL, `http://127.0.0.1:${port}`);
    assert.ok(!fs.existsSync(path.join(convexDir('b'), 'instance.json')), 'berth made no backend of its own');
    const status = await berth.client.convex('b');
    assert.equal(status.external, `http://127.0.0.1:${port}`);
    const doctor = await berth.client.convexDoctor('b');
    assert.match(doctor.find((finding) => finding.check === 'backend')?.message ?? '', /instance elsewhere answers/);
    assert.equal(doctor.find((finding) => finding.check === 'admin key')?.verdict, 'ok');
  } finally {
    external.kill('SIGINT');
  }
});
