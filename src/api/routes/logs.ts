// Log routes: a page of lines from a cursor or the tail, or a followed stream of newline-delimited JSON.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LogLine } from '../../logs/log-line.js';
import type { ApiDeps } from '../build-api.js';

const logsQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  tail: z.coerce.number().int().min(0).max(100_000).optional(),
  release: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  follow: z.enum(['0', '1']).optional(),
});

/** A follower whose socket holds more than this is skipped ahead instead of growing the daemon's memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export function registerLogRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/slots/:slot/logs', async (request, reply) => {
    const { slot } = z.object({ slot: z.string() }).parse(request.params);
    const query = logsQuery.parse(request.query);
    const log = deps.service.log(slot);
    // With no cursor, start from the tail (100 lines unless told), never from the beginning of all kept logs.
    const tail = query.after === undefined ? (query.tail ?? 100) : undefined;
    const page = log.read({ after: query.after, tail, release: query.release, limit: query.limit });
    if (query.follow !== '1') return page;

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
    // Send the head now: a quiet log must not leave the client waiting for it.
    raw.flushHeaders();
    const send = (message: unknown) => raw.write(`${JSON.stringify(message)}\n`);
    if (page.missed > 0) send({ type: 'missed', count: page.missed, reason: 'rotated away before they were read' });
    if (page.lines.length > 0) send({ type: 'lines', lines: page.lines, cursor: page.cursor });
    let skipped = 0;
    const matches = (line: LogLine) => query.release === undefined || line.release === query.release;
    const stop = log.follow(page.cursor, (lines) => {
      const wanted = lines.filter(matches);
      if (wanted.length === 0) return;
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        skipped += wanted.length;
        return;
      }
      if (skipped > 0) {
        send({ type: 'missed', count: skipped, reason: 'the reader was too slow; skipped ahead' });
        skipped = 0;
      }
      send({ type: 'lines', lines: wanted, cursor: wanted[wanted.length - 1].seq });
    });
    const heartbeat = setInterval(() => raw.write('\n'), HEARTBEAT_MS);
    raw.on('close', () => {
      clearInterval(heartbeat);
      stop();
    });
  });
}
