// Looking into a slot's database, as the slot's own role, inside READ ONLY transactions with a statement timeout:
// the tables with their sizes and row counts, a page of one table's rows, and one SQL statement from the console.
// A user can look, not break: one statement per request (the extended protocol refuses more), nothing can write,
// and at most MAX_ROWS rows are read from the server (a cursor), so a huge result never fills the daemon's memory.
import pg from 'pg';
import Cursor from 'pg-cursor';
import { BerthError } from '../errors/berth-error.js';

export const MAX_ROWS = 1000;
const STATEMENT_TIMEOUT = '5s';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** True when the statement returned more rows than were read. */
  truncated: boolean;
  command: string | null;
}

async function readOnly<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`);
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Values that JSON cannot carry as they are (big integers, bytes, dates) become strings. */
function toCell(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

function queryFailed(error: unknown): BerthError {
  const pgError = error as Error & { code?: string; position?: string };
  const timedOut = pgError.code === '57014';
  return new BerthError('ERR_DB_QUERY_FAILED', timedOut ? `The statement ran longer than ${STATEMENT_TIMEOUT} and was stopped.` : `PostgreSQL refused the statement: ${pgError.message}.`, {
    details: { sqlstate: pgError.code ?? null, position: pgError.position ?? null },
  });
}

/** Runs one statement through a cursor, reading at most MAX_ROWS rows. */
async function runStatement(client: pg.Client, text: string, values: unknown[] = []): Promise<QueryResult> {
  const cursor = client.query(new Cursor(text, values, { rowMode: 'array' }));
  try {
    const rows = (await cursor.read(MAX_ROWS + 1)) as unknown[][];
    const fields = (cursor as unknown as { _result?: { fields?: Array<{ name: string }>; command?: string } })._result;
    return {
      columns: (fields?.fields ?? []).map((field) => field.name),
      rows: rows.slice(0, MAX_ROWS).map((row) => row.map(toCell)),
      truncated: rows.length > MAX_ROWS,
      command: fields?.command ?? null,
    };
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

export async function listTables(url: string): Promise<Array<{ schema: string; name: string; rows: number; sizeBytes: number }>> {
  return readOnly(url, async (client) => {
    const { rows } = await client.query<{ schema: string; name: string; size: string }>(
      `SELECT n.nspname AS schema, c.relname AS name, pg_total_relation_size(c.oid) AS size
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 1, 2`,
    );
    const tables = [];
    for (const row of rows) {
      // Exact counts within the statement timeout; a table too big to count in time shows the planner's estimate.
      const count = await client
        .query('SAVEPOINT counting')
        .then(() => client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(row.schema)}.${pg.escapeIdentifier(row.name)}`))
        .then((result) => Number(result.rows[0].n))
        .catch(async () => {
          await client.query('ROLLBACK TO SAVEPOINT counting');
          const estimate = await client.query<{ n: string }>('SELECT reltuples::bigint AS n FROM pg_class WHERE oid = $1::regclass', [`${pg.escapeIdentifier(row.schema)}.${pg.escapeIdentifier(row.name)}`]);
          return Math.max(0, Number(estimate.rows[0].n));
        });
      tables.push({ schema: row.schema, name: row.name, rows: count, sizeBytes: Number(row.size) });
    }
    return tables;
  });
}

export async function tableRows(url: string, table: { schema: string; name: string }, page: { offset: number; limit: number }): Promise<QueryResult> {
  return readOnly(url, (client) =>
    runStatement(client, `SELECT * FROM ${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)} ORDER BY 1 LIMIT $1 OFFSET $2`, [page.limit, page.offset]),
  ).catch((error) => {
    throw error instanceof BerthError ? error : queryFailed(error);
  });
}

export async function runQuery(url: string, sql: string): Promise<QueryResult> {
  return readOnly(url, (client) => runStatement(client, sql)).catch((error) => {
    throw error instanceof BerthError ? error : queryFailed(error);
  });
}
