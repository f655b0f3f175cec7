// The SQL berth runs as the server's admin: per-slot roles and databases, isolated from each other, and facts about
// them. Names and passwords cannot be query parameters in DDL, so they are escaped with pg's own functions.
import pg from 'pg';
import { BerthError } from '../errors/berth-error.js';

const { escapeIdentifier, escapeLiteral } = pg;

/** Runs work with one admin connection (to the given database, or the admin URL's own). */
export async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(adminUrl);
  if (database) url.pathname = `/${database}`;
  // A lock that cannot be had within a minute is an error, not a wait: berth's copies run one after another, and
  // one stuck behind a session that never lets go would hold up every later one.
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000, options: '-c lock_timeout=60000' });
  try {
    await client.connect();
  } catch (error) {
    throw new BerthError('ERR_DB_UNAVAILABLE', `Cannot connect to the database server at ${url.hostname}:${url.port || 5432} as ${decodeURIComponent(url.username)}: ${(error as Error).message}.`, {
      details: { host: url.hostname, port: url.port || '5432' },
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An external server's admin role must be able to make databases and roles; say exactly which right it lacks. */
export async function checkAdminPrivileges(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ rolname: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
    'SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user',
  );
  const role = rows[0];
  if (!role || role.rolsuper) return;
  const missing = [!role.rolcreatedb && 'CREATEDB', !role.rolcreaterole && 'CREATEROLE'].filter(Boolean) as string[];
  if (missing.length > 0) {
    throw new BerthError('ERR_DB_PRIVILEGE', `The database role "${role.rolname}" lacks ${missing.join(' and ')}, which berth needs to make a database and a role per slot.`, {
      remedy: `Run \`ALTER ROLE ${role.rolname} ${missing.join(' ')};\` as a superuser, or give berth another admin URL.`,
      details: { role: role.rolname, missing },
    });
  }
}

/**
 * Makes (or repairs) a slot's login role and database: the role owns the database, has no superuser, CREATEDB or
 * CREATEROLE right, and CONNECT is revoked from PUBLIC, so other slots' roles cannot open it.
 */
export async function ensureSlotDatabase(client: pg.Client, names: { database: string; role: string; password: string }): Promise<void> {
  const role = escapeIdentifier(names.role);
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [names.role]);
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${escapeLiteral(names.password)}`;
  await client.query(exists.rowCount ? `ALTER ROLE ${role} ${attributes}` : `CREATE ROLE ${role} ${attributes}`);
  const database = escapeIdentifier(names.database);
  const hasDatabase = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [names.database]);
  // A non-superuser admin must be a member of the owner role to give it a database.
  await client.query(`GRANT ${role} TO CURRENT_USER`).catch(() => undefined);
  if (!hasDatabase.rowCount) await client.query(`CREATE DATABASE ${database} OWNER ${role} ENCODING 'UTF8'`);
  await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
  await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${role}`);
}

/** Ends every session on a database (before dropping or copying it). */
export async function endConnections(client: pg.Client, database: string): Promise<number> {
  const { rowCount } = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  return rowCount ?? 0;
}

export async function dropSlotDatabase(client: pg.Client, names: { database: string; role: string }): Promise<void> {
  await endConnections(client, names.database);
  await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(names.database)}`);
  await client.query(`DROP ROLE IF EXISTS ${escapeIdentifier(names.role)}`);
}

export interface DatabaseFacts {
  sizeBytes: number;
  connections: number;
  tables: number;
}

export async function databaseFacts(adminUrl: string, database: string): Promise<DatabaseFacts> {
  const server = await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ size: string; connections: string }>(
      'SELECT pg_database_size($1) AS size, (SELECT count(*) FROM pg_stat_activity WHERE datname = $1) AS connections',
      [database],
    );
    return rows[0];
  });
  const tables = await withAdmin(
    adminUrl,
    async (client) => Number((await client.query<{ count: string }>("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")).rows[0].count),
    database,
  );
  return { sizeBytes: Number(server.size), connections: Math.max(0, Number(server.connections)), tables };
}
