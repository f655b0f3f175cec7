// Looking into a slot's database: its tables (sizes, row counts), a page of a table's rows, and a read-only SQL
// console. Everything runs as the slot's own role in a READ ONLY transaction with a statement timeout.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listTables, MAX_ROWS, runQuery, tableRows } from '../../database/browse.js';
import { databaseTableSchema, queryResultSchema as resultSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { slotParams } from './common.js';


export function databaseBrowseRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, database } = context;
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/database/tables',
    tag: 'database',
    summary: "List the tables of the slot's database with row counts and sizes",
    access: 'read',
    params: slotParams,
    response: z.object({ tables: z.array(databaseTableSchema) }),
    handler: async ({ params }) => ({ tables: await listTables(database.url(params.slot)) }),
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/database/tables/:table/rows',
    tag: 'database',
    summary: 'A page of rows of one table',
    access: 'manage',
    params: slotParams.extend({ table: z.string().max(128) }),
    query: z.object({ schema: z.string().max(128).default('public'), offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(MAX_ROWS).default(50) }),
    response: resultSchema,
    handler: async ({ params, query }) => tableRows(database.url(params.slot), { schema: query.schema, name: params.table }, { offset: query.offset, limit: query.limit }),
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/query',
    tag: 'database',
    summary: `Run one read-only SQL statement as the slot's role (5 s at most, ${MAX_ROWS} rows at most)`,
    access: 'manage',
    params: slotParams,
    body: z.object({ sql: z.string().min(1).max(100_000) }).strict(),
    response: resultSchema,
    handler: async ({ params, body, principal }) => {
      context.store.addEvent(params.slot, 'db.query', `a read-only statement ran in the database console: ${body.sql.slice(0, 120).replace(/\s+/g, ' ')}`, undefined, principal.actor);
      return runQuery(database.url(params.slot), body.sql);
    },
  });
}
