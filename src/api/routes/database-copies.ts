// Copies of a slot's database: snapshots (take, list, restore, delete), reset to empty, clone from another slot,
// backup to a file and restore from one. Whatever replaces the data keeps the previous state as an automatic
// snapshot, named in the answer.
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { replacedSchema as replaced, snapshotSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { ANSWERED } from '../route.js';
import { assertConfirmed, okReply, slotParams } from './common.js';

const snapshotParams = slotParams.extend({ name: z.string().max(64) });

export function databaseCopyRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry } = context;
  const ops = context.database.snapshots;
  const { backups } = context.database;
  // An uploaded dump arrives as a stream, written to disk by the restore; it is never held in memory.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/database/snapshots',
    tag: 'database',
    summary: "List the snapshots of the slot's database",
    access: 'read',
    params: slotParams,
    response: z.object({ snapshots: z.array(snapshotSchema) }),
    // The answer's schema leaves out each snapshot's internal database name.
    handler: async ({ params }) => ({ snapshots: await ops.list(params.slot) }),
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/snapshots',
    tag: 'database',
    summary: 'Take a snapshot (named, or by the time)',
    access: 'manage',
    params: slotParams,
    body: z.object({ name: z.string().max(64).optional() }).strict(),
    response: snapshotSchema,
    status: 201,
    handler: async ({ params, body, principal }) => ops.snapshot(params.slot, body.name, principal.actor),
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/snapshots/:name/restore',
    tag: 'database',
    summary: 'Restore a snapshot (the current data is kept as a snapshot first)',
    access: 'manage',
    params: snapshotParams,
    response: replaced,
    handler: async ({ params, principal }) => ops.restore(params.slot, params.name, principal.actor),
  });
  registry.add(app, {
    method: 'DELETE',
    url: '/api/v1/slots/:slot/database/snapshots/:name',
    tag: 'database',
    summary: 'Delete a snapshot',
    access: 'manage',
    params: snapshotParams,
    response: okReply,
    handler: async ({ params, principal }) => {
      await ops.remove(params.slot, params.name, principal.actor);
      return { ok: true as const };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/reset',
    tag: 'database',
    summary: 'Empty the database (the current data is kept as a snapshot first)',
    access: 'manage',
    params: slotParams,
    body: z.object({ confirm: z.string().describe('The slot name, typed again') }).strict(),
    response: replaced,
    handler: async ({ params, body, principal }) => {
      assertConfirmed(params.slot, body.confirm, 'resetting empties the database');
      return ops.reset(params.slot, principal.actor);
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/clone',
    tag: 'database',
    summary: "Replace the slot's data with a copy of another slot's (kept as a snapshot first)",
    access: 'manage',
    params: slotParams,
    body: z.object({ from: z.string().max(64) }).strict(),
    response: replaced,
    handler: async ({ params, body, principal }) => ops.clone(params.slot, body.from, principal.actor),
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/database/backup',
    tag: 'database',
    summary: 'Download a backup (pg_dump custom format)',
    access: 'manage',
    params: slotParams,
    response: z.string(),
    alsoProduces: 'application/octet-stream',
    handler: async ({ params, principal, reply }) => {
      const { file, name } = await backups.backup(params.slot, principal.actor);
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size, 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' });
      const stream = fs.createReadStream(file);
      stream.pipe(reply.raw);
      reply.raw.on('close', () => {
        stream.destroy();
        fs.rmSync(file, { force: true });
      });
      return ANSWERED;
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/restore-file',
    tag: 'database',
    summary: 'Restore a backup file (sent as application/octet-stream; the current data is kept as a snapshot first)',
    access: 'manage',
    params: slotParams,
    response: replaced,
    handler: async ({ params, request, principal }) => {
      if (!request.headers['content-type']?.startsWith('application/octet-stream')) {
        throw new z.ZodError([{ code: 'custom', path: ['content-type'], message: 'send the dump file as application/octet-stream', input: request.headers['content-type'] }]);
      }
      return backups.restoreFile(params.slot, request.body as NodeJS.ReadableStream, principal.actor);
    },
  });
}
