// A streamed answer of newline-delimited JSON: sent at once (a quiet stream must not leave the client waiting for
// its head), kept alive with blank lines, and closed cleanly from either side.
import type { FastifyReply } from 'fastify';

const HEARTBEAT_MS = 15_000;

export function openNdjson(reply: FastifyReply) {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  raw.flushHeaders();
  const heartbeat = setInterval(() => raw.write('\n'), HEARTBEAT_MS);
  const closers: Array<() => void> = [() => clearInterval(heartbeat)];
  raw.on('close', () => closers.forEach((close) => close()));
  return {
    send: (message: unknown) => raw.write(`${JSON.stringify(message)}\n`),
    /** Bytes written but not yet taken by the client: a slow reader is skipped ahead, never buffered without end. */
    get buffered(): number {
      return raw.writableLength;
    },
    end(message?: unknown): void {
      if (message !== undefined) raw.write(`${JSON.stringify(message)}\n`);
      clearInterval(heartbeat);
      raw.end();
    },
    onClose: (close: () => void) => closers.push(close),
  };
}
