// bench/db: enabling a slot's database (the first one also starts the embedded server), and a snapshot + restore of
// a ~100 MB app database (users and orders: keys, a foreign key, secondary indexes, jsonb) with berth (server-side
// copies) against a dump + restore with pg_dump/pg_restore of the same major version (custom format, into another
// slot's emptied database on the same server, as `berth db restore-file` does), measured in the same run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connectionEnv, findDumpTools } from '../../src/database/dump-tools.js';
import { startBerth } from '../lib/berth-under-test.js';
import { median, printTable } from '../lib/measure.js';
import { describeMachine } from '../lib/tools.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 300_000);
console.log(`bench/db — ${describeMachine()}`);

const berth = await startBerth(['a', 'b']);
const time = async <T>(work: () => Promise<T> | T): Promise<[number, T]> => {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
};
try {
  const [firstEnable] = await time(() => berth.client.enableDatabase('a'));
  const [secondEnable] = await time(() => berth.client.enableDatabase('b'));
  const url = await berth.client.databaseUrl('a');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const users = Math.round(ORDERS / 3);
  await client.query(`CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  await client.query(`INSERT INTO users (email, name) SELECT 'user' || g || '@example.com', 'User ' || md5(g::text) FROM generate_series(1, ${users}) g`);
  await client.query(`CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users, total numeric(12, 2) NOT NULL, status text NOT NULL, items jsonb NOT NULL, created_at timestamptz NOT NULL)`);
  await client.query(
    `INSERT INTO orders (user_id, total, status, items, created_at)
     SELECT 1 + g % ${users}, (g % 997) / 7.0, (ARRAY['new', 'paid', 'shipped', 'done'])[1 + g % 4],
            jsonb_build_array(jsonb_build_object('sku', md5(g::text), 'qty', g % 5, 'note', repeat('n', 60)), jsonb_build_object('sku', md5((g + 1)::text), 'qty', 1)),
            now() - (g || ' minutes')::interval
       FROM generate_series(1, ${ORDERS}) g`,
  );
  await client.query('CREATE INDEX orders_user ON orders (user_id)');
  await client.query('CREATE INDEX orders_status_created ON orders (status, created_at)');
  await client.query('ANALYZE');
  const size = Number((await client.query('SELECT pg_database_size(current_database()) AS s')).rows[0].s);
  await client.end();
  console.log(`database of slot a: ${(size / 1024 / 1024).toFixed(0)} MiB (${users} users, ${ORDERS} orders, 5 indexes, a foreign key); ${ROUNDS} rounds\n`);

  const tools = findDumpTools(15);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-db-'));
  const envA = connectionEnv(url);
  const envB = connectionEnv(await berth.client.databaseUrl('b'));
  const berthTimes: number[] = [];
  const dumpTimes: number[] = [];
  const snapshotTimes: number[] = [];
  const restoreTimes: number[] = [];
  const readyTimes: number[] = [];
  // Each timed step starts from a checkpoint, so neither side pays for the other's writes still waiting in the
  // server's buffers (a FILE_COPY copy begins with a checkpoint of its own).
  const password = fs.readFileSync(path.join(berth.home, 'secrets', 'postgres-password'), 'utf8').trim();
  const { port } = await berth.client.databaseServer();
  const checkpoint = async () => {
    const admin = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('CHECKPOINT');
    await admin.end();
  };
  for (let round = 0; round < ROUNDS; round++) {
    await checkpoint();
    const [snapshotMs] = await time(() => berth.client.snapshot('a', `round-${round}`));
    // The usual journey: snapshot, run a migration, find it wrong, restore. Meanwhile berth makes the snapshot's
    // ready copy in the background; its time is reported, and the restore below waits for it if it is not done.
    const [readyMs] = await time(async () => {
      while (!(await berth.client.snapshots('a')).find((entry) => entry.name === `round-${round}`)?.ready) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    readyTimes.push(readyMs);
    const migration = new pg.Client({ connectionString: url });
    await migration.connect();
    await migration.query('CREATE TABLE migration_gone_wrong (id int)');
    await migration.end();
    await checkpoint();
    const [restoreMs] = await time(() => berth.client.restoreSnapshot('a', `round-${round}`));
    snapshotTimes.push(snapshotMs);
    restoreTimes.push(restoreMs);
    berthTimes.push(snapshotMs + restoreMs);
    const file = path.join(scratch, `round-${round}.dump`);
    // The anchor restores into slot b's emptied database, as its own role (what `berth db restore-file` does).
    await berth.client.resetDatabase('b');
    await checkpoint();
    const [dumpMs] = await time(() => {
      execFileSync(tools.pgDump, ['--format=custom', `--file=${file}`], { env: envA });
      execFileSync(tools.pgRestore, ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${envB.PGDATABASE}`, file], { env: envB });
    });
    dumpTimes.push(dumpMs);
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  const berthMedian = median(berthTimes);
  const dumpMedian = median(dumpTimes);
  printTable(
    ['what', 'median', 'ratio'],
    [
      ['enable the first database (starts the embedded server)', `${firstEnable.toFixed(0)} ms`, ''],
      ['enable another database', `${secondEnable.toFixed(0)} ms`, ''],
      ['berth: snapshot + restore', `${berthMedian.toFixed(0)} ms`, `${(dumpMedian / berthMedian).toFixed(1)}× faster`],
      ['  of which snapshot', `${median(snapshotTimes).toFixed(0)} ms`, ''],
      ['  of which restore (renames the ready copy in; the replaced data kept as a snapshot)', `${median(restoreTimes).toFixed(0)} ms`, ''],
      ['  in the background: the ready copy (measured by polling)', `${median(readyTimes).toFixed(0)} ms`, ''],
      ['berth: all copying, background included', `${median(berthTimes.map((value, index) => value + readyTimes[index])).toFixed(0)} ms`, `${(dumpMedian / median(berthTimes.map((value, index) => value + readyTimes[index]))).toFixed(1)}× faster`],
      [`anchor: pg_dump + pg_restore ${tools.version}`, `${dumpMedian.toFixed(0)} ms`, '1.0×'],
    ],
  );
  console.log(`\ngoal: snapshot + restore at least 5× faster than dump + restore — ${dumpMedian / berthMedian >= 5 ? 'met' : 'MISSED'}`);
} finally {
  const data = path.join(berth.home, 'postgres', 'data');
  const real = fs.existsSync(data) ? fs.realpathSync(data) : null;
  await berth.stop();
  if (real) fs.rmSync(real, { recursive: true, force: true });
}
