// A database per slot on a real PostgreSQL: the embedded server (started when a slot needs it, restarted after a
// kill), env injection at build and start, isolation between slots, keeping data on disable, and an external server
// whose admin role lacks a privilege.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createEmbeddedServer } from '../../src/database/embedded-server.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { berthBin, runCli } from '../helpers/berth-process.js';
import { request } from '../helpers/http.js';
import { getFreePort } from '../helpers/ports.js';
import { fixture, makeTempDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';
import { eventually } from '../helpers/wait.js';

const PG_MODULE = path.resolve(import.meta.dirname, '..', '..', 'node_modules', 'pg');

let berth: TestDaemon;
const dataDirs: string[] = [];
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }], config: { database: { port: await getFreePort(), adminUrl: null, useWorkspaceUrl: false } } });
});
after(async () => {
  dataDirs.push(realDataDir(berth.home));
  await berth.close();
  // A root berth keeps the data under /var/lib/berth (the postgres user cannot reach a 0700 home); tests remove it.
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function realDataDir(home: string): string {
  try {
    return fs.realpathSync(path.join(home, 'postgres', 'data'));
  } catch {
    return path.join(home, 'postgres', 'data');
  }
}

const answer = async (slot: string) => {
  const reply = await request(`${berth.slotUrl(slot)}/`);
  assert.equal(reply.status, 200, reply.body);
  return JSON.parse(reply.body) as { user: string; database: string; items: number; builtWith: string };
};

test('the server starts only when a slot needs a database; the app gets it at build and start', async () => {
  assert.equal((await berth.client.databaseServer()).running, false, 'no idle Postgres for slots without a database');
  await berth.client.changeEnv('a', { set: { PG_MODULE } });
  const enabled = await berth.client.enableDatabase('a');
  assert.equal(enabled.database, 'slot_a');
  assert.equal(enabled.role, 'slot_a');
  assert.equal((await berth.client.databaseServer()).running, true);
  assert.equal(fs.statSync(path.join(berth.home, 'secrets', 'postgres-password')).mode & 0o777, 0o600);

  await berth.client.deploy('a', fixture('uses-database'));
  const first = await answer('a');
  assert.deepEqual(first, { user: 'slot_a', database: 'slot_a', items: 0, builtWith: 'slot_a' }, 'the build saw PGDATABASE; the app runs as its own role');
  await request(`${berth.slotUrl('a')}/first`, { method: 'POST' });
  assert.equal((await answer('a')).items, 1);

  const logs = (await berth.client.logs('a', { tail: 50 })).lines.map((line) => line.text).join('\n');
  assert.match(logs, /connecting to postgres:\/\/slot_a:•+@127\.0\.0\.1:\d+\/slot_a|connecting to ••••••••/, 'the password is masked in the log');
  const url = await berth.client.databaseUrl('a');
  assert.doesNotMatch(logs, new RegExp(new URL(url).password));
  const env = await berth.client.env('a');
  assert.equal(JSON.stringify(env).includes(new URL(url).password), false);

  const info = await berth.client.database('a');
  assert.ok(info.sizeBytes! > 1_000_000 && info.tables === 1, JSON.stringify(info));
});

test("slots are isolated: b's role cannot open a's database; slot roles have no admin rights", async () => {
  await berth.client.enableDatabase('b');
  const urlA = new URL(await berth.client.databaseUrl('a'));
  const urlB = new URL(await berth.client.databaseUrl('b'));
  const intruder = new URL(urlB);
  intruder.pathname = '/slot_a';
  const client = new pg.Client({ connectionString: intruder.toString() });
  await assert.rejects(client.connect(), /permission denied for database "slot_a"/);
  await client.end().catch(() => undefined);

  const own = new pg.Client({ connectionString: urlA.toString() });
  await own.connect();
  try {
    const { rows } = await own.query('SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user');
    assert.deepEqual(rows[0], { rolsuper: false, rolcreatedb: false, rolcreaterole: false });
    await assert.rejects(own.query('CREATE DATABASE sneaky'), /permission denied/);
  } finally {
    await own.end();
  }
});

test('a killed embedded server is restarted and the app reaches its data again', async () => {
  const pid = Number(fs.readFileSync(path.join(berth.home, 'postgres', 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  await eventually(async () => assert.equal((await answer('a')).items, 1), { timeoutMs: 30_000, what: 'the database to come back' });
  await eventually(async () => {
    const types = (await berth.client.events()).map((event) => event.type);
    assert.ok(types.includes('db.crashed') && types.includes('db.restarted'), types.join(', '));
  });
});

test('snapshot → change → restore gives the rows back, and the restore itself can be undone; bad names and missing snapshots are refused', async () => {
  assert.equal((await answer('a')).items, 1);
  const taken = await runCli(berth.home, ['db', 'snapshot', 'a', 'one-item']);
  assert.equal(taken.code, 0, taken.stderr);
  for (const name of ['two', 'three']) await request(`${berth.slotUrl('a')}/${name}`, { method: 'POST' });
  assert.equal((await answer('a')).items, 3);

  const restored = await berth.client.restoreSnapshot('a', 'one-item');
  assert.equal((await answer('a')).items, 1, 'the app reads the snapshot’s rows');
  assert.match(restored.kept, /^before-restore-/);
  await berth.client.restoreSnapshot('a', restored.kept);
  assert.equal((await answer('a')).items, 3, 'the automatic snapshot undid the restore');

  const listed = await runCli(berth.home, ['db', 'snapshots', 'a']);
  assert.match(listed.stdout, /one-item\s/);
  assert.match(listed.stdout, /before-restore-\S+\s.*automatic/);
  await assert.rejects(berth.client.snapshot('a', 'one-item'), (error: Error & { code?: string }) => error.code === 'ERR_DB_SNAPSHOT_EXISTS');
  await assert.rejects(berth.client.restoreSnapshot('a', 'nope'), (error: Error & { code?: string }) => error.code === 'ERR_DB_SNAPSHOT_UNKNOWN' && /one-item/.test(error.message));
  await assert.rejects(berth.client.snapshot('a', 'Bad Name!'), (error: Error & { code?: string }) => error.code === 'ERR_DB_SNAPSHOT_NAME');
  const events = (await berth.client.events('a')).map((event) => event.type);
  assert.ok(events.includes('db.snapshot') && events.includes('db.restore'));
});

test('the newest named snapshot is kept ready, so restoring it is a rename; a newer snapshot takes over; deleting drops the copy', async () => {
  const readyCopies = async () => {
    const password = fs.readFileSync(path.join(berth.home, 'secrets', 'postgres-password'), 'utf8').trim();
    const { port } = await berth.client.databaseServer();
    const admin = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      return (await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE '%\\_ready'")).rows.length;
    } finally {
      await admin.end();
    }
  };
  const isReady = async (name: string) => (await berth.client.snapshots('a')).find((entry) => entry.name === name)?.ready === true;
  const items = (await answer('a')).items;
  await berth.client.snapshot('a', 'ready-one');
  await eventually(async () => assert.ok(await isReady('ready-one'), 'ready-one has a ready copy'));
  await request(`${berth.slotUrl('a')}/after-ready-one`, { method: 'POST' });
  assert.equal((await answer('a')).items, items + 1);
  for (let round = 0; round < 2; round++) {
    // The second round uses the ready copy made again after the first restore consumed it.
    await eventually(async () => assert.ok(await isReady('ready-one'), 'ready-one has a ready copy'));
    await berth.client.restoreSnapshot('a', 'ready-one');
    assert.equal((await answer('a')).items, items, `round ${round}: the snapshot's rows are back`);
    await request(`${berth.slotUrl('a')}/round-${round}`, { method: 'POST' });
  }
  await eventually(async () => assert.ok(await isReady('ready-one'), 'ready-one has a ready copy'));
  assert.equal(await readyCopies(), 1);

  await berth.client.snapshot('a', 'ready-two');
  await eventually(async () => assert.ok((await isReady('ready-two')) && !(await isReady('ready-one')), 'the ready copy moved to ready-two'));
  assert.equal(await readyCopies(), 1, 'only the newest named snapshot has a ready copy');
  await berth.client.deleteSnapshot('a', 'ready-two');
  await eventually(async () => assert.ok(await isReady('ready-one'), 'the next newest takes over'));
  await berth.client.deleteSnapshot('a', 'ready-one');
  await eventually(async () => assert.equal(await readyCopies(), 0));
  await berth.client.restoreSnapshot('a', (await berth.client.snapshots('a')).find((entry) => entry.name.startsWith('before-restore-'))!.name);
  assert.equal((await answer('a')).items, items + 1, 'the automatic snapshot of the last restore holds the row written before it');
});

test("clone gives b a copy of a's data under b's own role; reset empties it (keeping a snapshot)", async () => {
  const aItems = (await answer('a')).items;
  await berth.client.cloneDatabase('b', 'a');
  const asB = new pg.Client({ connectionString: await berth.client.databaseUrl('b') });
  await asB.connect();
  try {
    assert.equal((await asB.query('SELECT count(*)::int AS n FROM items')).rows[0].n, aItems, "a's rows, in b's database");
    await asB.query("INSERT INTO items (name) VALUES ('b owns this table now')");
    const { rows } = await asB.query("SELECT tableowner FROM pg_tables WHERE tablename = 'items'");
    assert.equal(rows[0].tableowner, 'slot_b');
  } finally {
    await asB.end();
  }
  assert.equal((await answer('a')).items, aItems, 'a is untouched');

  const reset = await berth.client.resetDatabase('b');
  assert.match(reset.kept, /^before-reset-/);
  const again = new pg.Client({ connectionString: await berth.client.databaseUrl('b') });
  await again.connect();
  assert.equal((await again.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n, 0);
  await again.end();
});

test('a backup file restores into a fresh database with equal contents; a bad file changes nothing', async () => {
  const file = path.join(makeTempDir('berth-backup-'), 'a.dump');
  const out = fs.openSync(file, 'w');
  // Not spawnSync: the daemon runs in this process and must keep answering.
  const backup = spawn(process.execPath, [berthBin, '--home', berth.home, 'db', 'backup', 'a'], { stdio: ['ignore', out, 'pipe'] });
  let stderr = '';
  backup.stderr!.on('data', (chunk) => (stderr += chunk));
  const status = await new Promise((resolve) => backup.once('exit', resolve));
  fs.closeSync(out);
  assert.equal(status, 0, stderr);
  assert.equal(fs.readFileSync(file).subarray(0, 5).toString(), 'PGDMP', 'a pg_dump custom-format file');

  const restored = await runCli(berth.home, ['db', 'restore-file', 'b', file]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /the previous data is kept as snapshot before-reset-/);
  const rowsOf = async (slot: string) => {
    const client = new pg.Client({ connectionString: await berth.client.databaseUrl(slot) });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT id, name FROM items ORDER BY id');
      const { rows: owner } = await client.query("SELECT tableowner FROM pg_tables WHERE tablename = 'items'");
      return { rows, owner: owner[0].tableowner };
    } finally {
      await client.end();
    }
  };
  const [a, b] = [await rowsOf('a'), await rowsOf('b')];
  assert.deepEqual(b.rows, a.rows, 'equal contents');
  assert.equal(b.owner, 'slot_b', "restored under b's own role");

  const junk = path.join(path.dirname(file), 'junk.dump');
  fs.writeFileSync(junk, 'this is not a dump');
  await assert.rejects(berth.client.restoreDatabaseFile('b', junk), (error: Error & { code?: string }) => error.code === 'ERR_DB_RESTORE_FAILED');
  assert.deepEqual((await rowsOf('b')).rows, a.rows, 'the failed restore put the previous data back');
});

test('a release command migrates before the switch; one that fails keeps the old release; rolling back past it warns', async () => {
  await berth.client.changeEnv('b', { set: { PG_MODULE } });
  const first = await berth.client.deploy('b', fixture('uses-database'));
  await berth.client.updateSettings('b', { releaseCommand: 'node migrate.js' });
  const migrated = await berth.client.deploy('b', fixture('uses-database'));
  assert.ok(migrated.stages.some((stage) => stage.name === 'release' && stage.ok));
  assert.match((await berth.client.deployLog(migrated.id)).lines.map((line) => line.text).join('\n'), /migrated to version 1/);
  const asB = new pg.Client({ connectionString: await berth.client.databaseUrl('b') });
  await asB.connect();
  assert.equal((await asB.query('SELECT count(*)::int AS n FROM schema_version')).rows[0].n, 1, 'the migration ran against the slot’s database');
  await asB.end();

  await berth.client.updateSettings('b', { releaseCommand: 'node -e "process.exit(3)"' });
  await assert.rejects(berth.client.deploy('b', fixture('uses-database')), (error: Error & { code?: string }) => error.code === 'ERR_DEPLOY_RELEASE_FAILED' && /exited with code 3/.test(error.message));
  assert.equal((await berth.client.slot('b')).release, migrated.releaseSeq, 'the migrated release keeps serving');
  assert.equal((await answer('b')).database, 'slot_b');

  await berth.client.rollback('b', first.releaseSeq!);
  const warning = (await berth.client.events('b')).find((event) => event.type === 'rollback.warning');
  assert.match(warning?.message ?? '', new RegExp(`release ${migrated.releaseSeq} whose release command \\(\`node migrate.js\`\\) may have changed the database`));
  await berth.client.updateSettings('b', { releaseCommand: null });
});

test('the browser lists tables and pages rows; the console reads as the slot role and cannot write, chain statements or run long', async () => {
  const { call: apiCall } = await import('../helpers/api-calls.js');
  const token = fs.readFileSync(path.join(berth.home, 'secrets', 'cli-token'), 'utf8').trim();
  const get = (url: string) => apiCall(berth, url, { token });
  const post = (url: string, body: unknown) => apiCall(berth, url, { method: 'POST', body, token });
  const aItems = (await answer('a')).items;

  const tables = (await get('/api/v1/slots/a/database/tables')).json.tables;
  assert.deepEqual(tables.map((table: { name: string; rows: number }) => [table.name, table.rows]), [['items', aItems]]);
  const page = (await get('/api/v1/slots/a/database/tables/items/rows?limit=2&offset=1')).json;
  assert.deepEqual(page.columns, ['id', 'name']);
  assert.equal(page.rows.length, 2);

  const read = (await post('/api/v1/slots/a/database/query', { sql: 'SELECT current_user, name FROM items ORDER BY id' })).json;
  assert.deepEqual(read.columns, ['current_user', 'name']);
  assert.equal(read.rows[0][0], 'slot_a');
  const big = (await post('/api/v1/slots/a/database/query', { sql: 'SELECT generate_series(1, 5000) AS n' })).json;
  assert.equal(big.rows.length, 1000);
  assert.equal(big.truncated, true);

  for (const sql of ["INSERT INTO items (name) VALUES ('sneaky')", 'SELECT 1; DROP TABLE items', 'SELECT * FROM nowhere', 'SELECT pg_sleep(10)']) {
    const refused = await post('/api/v1/slots/a/database/query', { sql });
    assert.equal(refused.status, 400, `${sql}: ${refused.text}`);
    assert.equal(refused.json.code, 'ERR_DB_QUERY_FAILED', sql);
    if (sql.includes('pg_sleep')) assert.match(refused.json.message, /longer than 5s/);
  }
  assert.equal((await answer('a')).items, aItems, 'nothing was written');
});

test('disable keeps the data (enable brings it back); --drop deletes it; clearing a slot never drops it', async () => {
  const aItems = (await answer('a')).items;
  await berth.client.disableDatabase('a');
  assert.equal((await berth.client.database('a')).enabled, false);
  assert.equal((await answer('a')).items, aItems, 'the running app was left alone');
  await assert.rejects(berth.client.databaseUrl('a'), /no database/);
  await berth.client.enableDatabase('a');
  assert.equal((await answer('a')).items, aItems, 'the rows written before are still there');

  await berth.client.clear('a');
  assert.equal((await berth.client.database('a')).enabled, true, 'clearing the slot left its database');

  await berth.client.disableDatabase('b', true);
  await berth.client.enableDatabase('b');
  const fresh = new pg.Client({ connectionString: await berth.client.databaseUrl('b') });
  await fresh.connect();
  try {
    // b's app runs (it makes its items table again when asked); what the migration made is gone.
    assert.equal((await fresh.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'schema_version'")).rows[0].n, 0, 'a dropped database comes back empty');
  } finally {
    await fresh.end();
  }
  await assert.rejects(berth.client.enableDatabase('nope'), /There is no slot "nope"/);
});

test('an external server: the admin role must have CREATEDB and CREATEROLE, and the error names what is missing', async () => {
  const dir = makeTempDir('berth-external-pg-');
  const external = createEmbeddedServer({ dir: path.join(dir, 'postgres'), passwordFile: path.join(dir, 'pw'), port: await getFreePort(), logger: createSilentLogger(), onEvent: () => undefined });
  await external.start();
  dataDirs.push(realDataDir(dir));
  let other: TestDaemon | null = null;
  try {
    const superuser = new pg.Client({ connectionString: external.adminUrl() });
    await superuser.connect();
    await superuser.query("CREATE ROLE berth_admin LOGIN CREATEDB PASSWORD 'admin-pass-1234'");
    const adminUrl = `postgres://berth_admin:admin-pass-1234@127.0.0.1:${external.port}/postgres`;
    other = await startTestDaemon({ config: { database: { port: 5433, adminUrl, useWorkspaceUrl: false } } });
    await assert.rejects(other.client.enableDatabase('a'), (error: Error & { code?: string }) => error.code === 'ERR_DB_PRIVILEGE' && /lacks CREATEROLE/.test(error.message));
    await superuser.query('ALTER ROLE berth_admin CREATEROLE');
    const enabled = await other.client.enableDatabase('a');
    assert.equal(enabled.port, external.port, 'apps are pointed at the external server');
    const { rows } = await superuser.query("SELECT datname FROM pg_database WHERE datname = 'slot_a'");
    assert.equal(rows.length, 1, 'the database was made on the external server');
    assert.equal((await other.client.databaseServer()).mode, 'external');
    await superuser.end();
  } finally {
    await other?.close();
    await external.stop();
  }
});
