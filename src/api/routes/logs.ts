// App logs: a page from a cursor or the tail, a followed stream (NDJSON), and a download of every kept line.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LogLine } from '../../logs/log-line.js';
import { logsResponseSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { openNdjson } from '../ndjson.js';
import { ANSWERED } from '../route.js';
import { slotParams } from './common.js';

const logsQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  tail: z.coerce.number().int().min(0).max(100_000).optional(),
  release: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  follow: z.enum(['0', '1']).optional(),
});

/** A follower whose socket holds more than this is skipped ahead instead of growing the daemon's memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const STREAM_NAMES = { out: 'stdout', err: 'stderr', sys: 'system' } as const;

export function logRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, service } = context;

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/logs',
    tag: 'logs',
    summary: "Read the app's log from a cursor or the tail; follow=1 streams new lines (NDJSON)",
    access: 'read',
    params: slotParams,
    query: logsQuery,
    response: logsResponseSchema,
    alsoProduces: 'application/x-ndjson',
    handler: async ({ params, query, reply }) => {
      const log = service.log(params.slot);
      // With no cursor, start from the tail (100 lines unless told), never from the beginning of all kept logs.
      const tail = query.after === undefined ? (query.tail ?? 100) : undefined;
      const page = log.read({ after: query.after, tail, release: query.release, limit: query.limit });
      if (query.follow !== '1') return page;

      const stream = openNdjson(reply);
      if (page.missed > 0) stream.send({ type: 'missed', count: page.missed, reason: 'rotated away before they were read' });
      if (page.lines.length > 0) stream.send({ type: 'lines', lines: page.lines, cursor: page.cursor });
      let skipped = 0;
      const matches = (line: LogLine) => query.release === undefined || line.release === query.release;
      stream.onClose(
        log.follow(page.cursor, (lines) => {
          const wanted = lines.filter(matches);
          if (wanted.length === 0) return;
          if (stream.buffered > MAX_BUFFERED_BYTES) {
            skipped += wanted.length;
            return;
          }
          if (skipped > 0) {
            stream.send({ type: 'missed', count: skipped, reason: 'the reader was too slow; skipped ahead' });
            skipped = 0;
          }
          stream.send({ type: 'lines', lines: wanted, cursor: wanted[wanted.length - 1].seq });
        }),
      );
      return ANSWERED;
    },
  });

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/logs/download',
    tag: 'logs',
    summary: 'Download every kept log line as text',
    access: 'read',
    params: slotParams,
    response: z.string(),
    alsoProduces: 'text/plain',
    handler: async ({ params, reply }) => {
      const log = service.log(params.slot);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="berth-${params.slot}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.log"`,
        'cache-control': 'no-store',
      });
      // Page through the kept files, waiting for the socket to drain, so a big log never sits in memory.
      let cursor = 0;
      for (;;) {
        const page = log.read({ after: cursor, limit: 2000 });
        if (page.lines.length === 0) break;
        cursor = page.cursor;
        const text = page.lines.map((line) => `${new Date(line.time).toISOString()} ${STREAM_NAMES[line.stream].padEnd(6)} r${line.release} ${line.text}\n`).join('');
        if (!raw.write(text)) await new Promise((resolve) => raw.once('drain', resolve));
        if (raw.destroyed) return ANSWERED;
      }
      raw.end();
      return ANSWERED;
    },
  });
}
