// The fast path's framing, fuzzed: random valid HTTP/1.1 exchanges (bodies by Content-Length or chunked with
// extensions and trailers, HEAD, 1xx, 204, 304, header names in any case) cut into random pieces must give the same
// boundaries as whole: every request head in order, every final response counted, both sides between messages at the
// end. And what is ambiguous is refused rather than guessed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FramingError, RequestFraming, ResponseFraming } from '../../src/front/http-framing.js';

const anyCase = (name: string, mask: number) => [...name].map((char, index) => ((mask >> index) & 1 ? char.toUpperCase() : char)).join('');

const bodyArb = fc.record({ bytes: fc.uint8Array({ maxLength: 300 }), chunked: fc.boolean(), pieces: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 5 }), trailer: fc.boolean(), mask: fc.nat() });

function encodeBody(body: { bytes: Uint8Array; chunked: boolean; pieces: number[]; trailer: boolean; mask: number }): { headers: string; payload: Buffer } {
  if (!body.chunked) return { headers: `${anyCase('content-length', body.mask)}: ${body.bytes.length}\r\n`, payload: Buffer.from(body.bytes) };
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of [...body.pieces, Number.MAX_SAFE_INTEGER]) {
    const piece = body.bytes.subarray(at, at + size);
    if (piece.length === 0) break;
    parts.push(Buffer.from(`${piece.length.toString(16)}${size % 2 ? ';ext=1' : ''}\r\n`), Buffer.from(piece), Buffer.from('\r\n'));
    at += piece.length;
  }
  parts.push(Buffer.from(`0\r\n${body.trailer ? 'X-Checksum: abc\r\n' : ''}\r\n`));
  return { headers: `${anyCase('transfer-encoding', body.mask)}: chunked\r\n`, payload: Buffer.concat(parts) };
}

const exchangeArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT'),
  requestBody: bodyArb,
  status: fc.constantFrom(200, 201, 204, 304, 404),
  interim: fc.boolean(),
  responseBody: bodyArb,
});

/** Cuts a buffer at random points (the seeds say where). */
function cut(buffer: Buffer, seeds: number[]): Buffer[] {
  const points = [...new Set(seeds.map((seed) => seed % (buffer.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const point of [...points, buffer.length]) {
    if (point > last) pieces.push(buffer.subarray(last, point));
    last = point;
  }
  return pieces;
}

test('random exchanges cut at random points frame the same as whole', () => {
  fc.assert(
    fc.property(fc.array(exchangeArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 }), (exchanges, requestCuts, responseCuts) => {
      const requests = Buffer.concat(
        exchanges.map(({ method, requestBody }) => {
          const withBody = method === 'POST' || method === 'PUT';
          const body = withBody ? encodeBody(requestBody) : { headers: '', payload: Buffer.alloc(0) };
          return Buffer.concat([Buffer.from(`${method} /x HTTP/1.1\r\nHost: h\r\n${body.headers}\r\n`), body.payload]);
        }),
      );
      const responses = Buffer.concat(
        exchanges.map(({ method, status, interim, responseBody }) => {
          const bodiless = method === 'HEAD' || status === 204 || status === 304;
          const body = encodeBody(responseBody);
          const head = `HTTP/1.1 ${status} X\r\n${status === 204 || status === 304 ? '' : body.headers}\r\n`;
          return Buffer.concat([Buffer.from(interim ? 'HTTP/1.1 100 Continue\r\n\r\n' : ''), Buffer.from(head), bodiless ? Buffer.alloc(0) : body.payload]);
        }),
      );

      const framing = new RequestFraming();
      const methods: string[] = [];
      for (const piece of cut(requests, requestCuts)) {
        let at = 0;
        while (at < piece.length) {
          const step = framing.feed(piece, at);
          if (step.kind === 'partial') break;
          if (step.kind === 'head') methods.push(step.head.method);
          at = step.end;
        }
      }
      assert.deepEqual(methods, exchanges.map((exchange) => exchange.method));
      assert.ok(framing.atStart);

      const answers = new ResponseFraming();
      const outstanding = [...methods];
      for (const piece of cut(responses, responseCuts)) {
        const progress = answers.feed(piece, outstanding);
        outstanding.splice(0, progress.completed);
      }
      assert.deepEqual(outstanding, [], 'every response was counted');
      assert.ok(answers.atStart);
    }),
    { numRuns: 400 },
  );
});

test('ambiguous or malformed framing is refused, never guessed', () => {
  const refuse = (head: string) => assert.throws(() => new RequestFraming().feed(Buffer.from(head), 0), FramingError, head);
  refuse('POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
  refuse('POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n');
  refuse('POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n');
  refuse('POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n');
  const chunked = new RequestFraming();
  chunked.feed(Buffer.from('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'), 0);
  assert.throws(() => chunked.feed(Buffer.from('zz\r\n'), 0), FramingError);
  assert.throws(() => new ResponseFraming().feed(Buffer.from('HTTP/1.1 abc Nope\r\n\r\n'), ['GET']), FramingError);
});

test('a response without Content-Length or chunking lasts until the connection closes; 101 switches protocols', () => {
  const untilClose = new ResponseFraming();
  assert.equal(untilClose.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome bytes'), ['GET']).completed, 0);
  assert.ok(untilClose.untilClose);
  const upgrade = new ResponseFraming();
  const progress = upgrade.feed(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi'), ['GET']);
  assert.equal(progress.switched, true);
  assert.equal(progress.switchedAt, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'.length);
  const closing = new ResponseFraming().feed(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'), ['GET']);
  assert.deepEqual([closing.completed, closing.closes], [1, true]);
});
