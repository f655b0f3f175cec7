// Copies of whole databases with the server's own mechanism (CREATE DATABASE … TEMPLATE …): snapshots, restores,
// clones and resets. A template must have no other session while it is copied, so the source is closed to new
// connections and its sessions are ended for the few moments the copy takes; the caller says so in the event log.
import type pg from 'pg';
import pgModule from 'pg';
import { endConnections } from './admin-sql.js';

const { escapeIdentifier: id } = pgModule;

/** Runs work while nobody can connect to `database`; returns how many sessions were ended. */
async function whileClosed(client: pg.Client, database: string, work: () => Promise<void>): Promise<number> {
  await client.query(`ALTER DATABASE ${id(database)} ALLOW_CONNECTIONS false`);
  try {
    const ended = await endConnections(client, database);
    await work();
    return ended;
  } finally {
    await client.query(`ALTER DATABASE ${id(database)} ALLOW_CONNECTIONS true`).catch(() => undefined);
  }
}

/**
 * How a copy is made: PostgreSQL 15 and later copy through the WAL block by block unless told FILE_COPY, which
 * copies the files and is several times faster for anything but tiny databases (at the price of a checkpoint).
 */
async function copyStrategy(client: pg.Client): Promise<string> {
  const version = Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0].v);
  return version >= 150000 ? ' STRATEGY = FILE_COPY' : '';
}

/** A snapshot: a copy nobody can connect to (it only serves as a template later). */
export async function copyToSnapshot(client: pg.Client, source: string, snapshot: string): Promise<number> {
  const strategy = await copyStrategy(client);
  const ended = await whileClosed(client, source, async () => {
    await client.query(`CREATE DATABASE ${id(snapshot)} TEMPLATE ${id(source)}${strategy}`);
  });
  await client.query(`REVOKE ALL ON DATABASE ${id(snapshot)} FROM PUBLIC`);
  await client.query(`ALTER DATABASE ${id(snapshot)} ALLOW_CONNECTIONS false`);
  return ended;
}

/**
 * Replaces `target` (a slot's database, owned by `role`) with a copy of `template`, or with an empty database. The
 * copy is made beside it first and swapped in by rename, so a failed copy leaves the slot's data as it was; the
 * database it replaces is not copied or dropped but renamed to `keepAs` and closed, becoming a snapshot at no cost.
 * Objects copied from another slot's database belong to that slot's role: they are handed to `role`.
 */
export async function replaceDatabase(
  client: pg.Client,
  adminUrl: string,
  target: SlotTarget,
  from: { template: string; live: boolean; owner: string | null } | null,
  keepAs: string,
): Promise<number> {
  const staging = `${target.database}__incoming`;
  await dropDatabase(client, staging);
  const create = `CREATE DATABASE ${id(staging)} OWNER ${id(target.role)}${from ? ` TEMPLATE ${id(from.template)}${await copyStrategy(client)}` : ''}`;
  let ended = 0;
  if (from?.live) ended += await whileClosed(client, from.template, async () => void (await client.query(create)));
  else await client.query(create);
  try {
    if (from?.owner && from.owner !== target.role) await reassignOwned(adminUrl, staging, from.owner, target.role);
    return ended + (await swapIn(client, target, staging, keepAs));
  } catch (error) {
    await dropDatabase(client, staging).catch(() => undefined);
    throw error;
  }
}

/** A slot's database and the login role that owns it. */
export interface SlotTarget {
  database: string;
  role: string;
}

/**
 * A second copy of a snapshot, owned by the slot's role and closed to everyone, that a restore renames into place
 * (milliseconds) instead of copying while the slot waits. Made while the slot works on: a snapshot has no sessions.
 */
export async function makeReadyCopy(client: pg.Client, snapshot: string, target: SlotTarget): Promise<string> {
  const ready = readyCopyName(snapshot);
  await dropDatabase(client, ready);
  await client.query(`CREATE DATABASE ${id(ready)} OWNER ${id(target.role)} TEMPLATE ${id(snapshot)}${await copyStrategy(client)}`);
  await client.query(`REVOKE ALL ON DATABASE ${id(ready)} FROM PUBLIC`);
  await client.query(`ALTER DATABASE ${id(ready)} ALLOW_CONNECTIONS false`);
  return ready;
}

export const readyCopyName = (snapshot: string) => `${snapshot}_ready`;

/**
 * Puts `incoming` (a whole database owned by the slot's role) in place of the slot's database by two renames; the
 * slot's data is renamed to `keepAs` and closed, a snapshot now. The slot's sessions are ended for the renames only.
 */
export async function swapIn(client: pg.Client, target: SlotTarget, incoming: string, keepAs: string): Promise<number> {
  await client.query(`REVOKE ALL ON DATABASE ${id(incoming)} FROM PUBLIC`);
  await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${id(incoming)} TO ${id(target.role)}`);
  await client.query(`ALTER DATABASE ${id(incoming)} ALLOW_CONNECTIONS true`);
  await client.query(`ALTER DATABASE ${id(target.database)} ALLOW_CONNECTIONS false`);
  let ended: number;
  try {
    ended = await endConnections(client, target.database);
    await client.query(`ALTER DATABASE ${id(target.database)} RENAME TO ${id(keepAs)}`);
  } catch (error) {
    await client.query(`ALTER DATABASE ${id(target.database)} ALLOW_CONNECTIONS true`).catch(() => undefined);
    throw error;
  }
  try {
    await client.query(`ALTER DATABASE ${id(incoming)} RENAME TO ${id(target.database)}`);
  } catch (error) {
    // The slot must never be left without its database: the previous data goes back.
    await client.query(`ALTER DATABASE ${id(keepAs)} RENAME TO ${id(target.database)}`).catch(() => undefined);
    await client.query(`ALTER DATABASE ${id(target.database)} ALLOW_CONNECTIONS true`).catch(() => undefined);
    throw error;
  }
  // The kept database is a snapshot now: berth's, and nobody's to connect to.
  await client.query(`ALTER DATABASE ${id(keepAs)} OWNER TO CURRENT_USER`);
  await client.query(`REVOKE ALL ON DATABASE ${id(keepAs)} FROM PUBLIC, ${id(target.role)}`);
  return ended;
}

/**
 * Hands every object of `from` inside one database to `to`. Not REASSIGN OWNED: that also gives away the shared
 * objects `from` owns — its own slot's database — which would lock the source slot out of its data.
 */
async function reassignOwned(adminUrl: string, database: string, from: string, to: string): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const inside = new pgModule.Client({ connectionString: url.toString() });
  await inside.connect();
  const old = `${pgModule.escapeLiteral(from)}::regrole`;
  const target = pgModule.escapeLiteral(to);
  const userSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";
  try {
    await inside.query(`DO $berth$
DECLARE r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n WHERE n.nspowner = ${old} AND ${userSchemas} LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, ${target});
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relowner = ${old} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${userSchemas} LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name, ${target});
  END LOOP;
  -- Sequences that belong to a column moved with their table.
  FOR r IN SELECT c.oid::regclass AS name FROM pg_class c WHERE c.relkind = 'S' AND c.relowner = ${old}
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.name, ${target});
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proowner = ${old} AND ${userSchemas} LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.name, ${target});
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE t.typowner = ${old} AND t.typtype IN ('e', 'd', 'r', 'm') AND ${userSchemas} LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', r.name, ${target});
  END LOOP;
END $berth$`);
  } finally {
    await inside.end();
  }
}

export async function dropDatabase(client: pg.Client, database: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${id(database)}`);
}
