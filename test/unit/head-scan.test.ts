// The fast path's head reader (head-scan.ts) against a plain reference written the obvious way (split the text into
// lines, lower-case the names, trim the values): on random heads — names in any case, spaces and tabs around values,
// headers in any order, good and bad Content-Length values, a body after the head — both find the same end and the
// same facts, or both refuse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { emptyFacts, FramingError, readHead } from '../../src/front/head-scan.js';

/** What the reference finds: the head's end and its facts, or 'refused'. */
function reference(text: string, request: boolean) {
  const end = text.indexOf('\r\n\r\n', text.indexOf('\r\n'));
  // A head not complete yet is already refused by a complete line of it that says something impossible.
  const complete = end === -1 ? text.slice(0, Math.max(0, text.lastIndexOf('\r\n'))) : text.slice(0, end);
  const [startLine, ...lines] = complete.split('\r\n');
  const facts = { http10: request ? startLine.endsWith('HTTP/1.0') : startLine.startsWith('HTTP/1.0'), contentLengths: 0, contentLength: 0, transferEncoding: null as string | null, connection: '', upgrade: null as string | null, host: '', forwarded: false };
  let sawHost = false;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (name === 'content-length') {
      if (!/^\d{1,15}$/.test(value)) return 'refused';
      facts.contentLengths += 1;
      facts.contentLength = Number(value);
    } else if (name === 'connection') facts.connection += `${value.toLowerCase()},`;
    else if (name === 'transfer-encoding') facts.transferEncoding ??= value.toLowerCase();
    else if (request && name === 'host' && !sawHost) {
      sawHost = true;
      facts.host = value;
    } else if (request && name === 'upgrade') facts.upgrade ??= value.toLowerCase();
    else if (request && name.startsWith('x-forwarded-')) facts.forwarded = true;
  }
  return end === -1 ? { end: -1 } : { end: end + 4, facts };
}

function scanned(text: string, request: boolean) {
  const buffer = Buffer.from(text, 'latin1');
  const facts = emptyFacts();
  let end: number;
  try {
    end = readHead(buffer, 0, buffer.length, request, facts);
  } catch (error) {
    assert.ok(error instanceof FramingError, String(error));
    return 'refused';
  }
  if (end === -1) return { end: -1 };
  const { hostStart, hostEnd, ...rest } = facts;
  return { end, facts: { ...rest, host: buffer.toString('latin1', hostStart, hostEnd) } };
}

const anyCase = (word: string) => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) => [...word].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join(''));
const space = fc.constantFrom('', ' ', '  ', '\t', ' \t');
const header = fc.oneof(
  fc.tuple(anyCase('content-length'), fc.oneof(fc.nat({ max: 1e6 }).map(String), fc.constantFrom('', '-1', '12a', '1 2', '1234567890123456', '007'))),
  fc.tuple(anyCase('connection'), fc.constantFrom('keep-alive', 'Keep-Alive', 'close', 'CLOSE', 'Upgrade', 'keep-alive, Upgrade', 'te')),
  fc.tuple(anyCase('transfer-encoding'), fc.constantFrom('chunked', 'gzip, chunked', 'Chunked')),
  fc.tuple(anyCase('host'), fc.constantFrom('example.com', 'localhost:3000', '[::1]:8080')),
  fc.tuple(anyCase('upgrade'), fc.constantFrom('websocket', 'WebSocket', 'h2c')),
  fc.tuple(anyCase('x-forwarded-for'), fc.constantFrom('10.0.0.1', '1.2.3.4, 5.6.7.8')),
  fc.tuple(fc.constantFrom('Content-Type', 'Date', 'Keep-Alive', 'content-lengthy', 'Connectionx', 'X-Other', 'Hostname'), fc.constantFrom('text/plain', 'a', 'timeout=5')),
);
const headArb = fc.record({
  request: fc.boolean(),
  method: fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS'),
  http10: fc.boolean(),
  headers: fc.array(fc.tuple(header, space, space), { maxLength: 8 }),
  body: fc.constantFrom('', 'hello world\n', '\r\n\r\nmore'),
  cut: fc.option(fc.nat(), { nil: undefined }),
});

test('fuzz: the head reader finds the same end and facts as a plain reference, or refuses the same heads', () => {
  fc.assert(
    fc.property(headArb, ({ request, method, http10, headers, body, cut }) => {
      const version = http10 ? 'HTTP/1.0' : 'HTTP/1.1';
      const startLine = request ? `${method} /p ${version}` : `${version} 200 OK`;
      let text = `${startLine}\r\n${headers.map(([[name, value], before, after]) => `${name}:${before}${value}${after}\r\n`).join('')}\r\n${body}`;
      // Sometimes only the first part has arrived: no end yet, unless the cut leaves the blank line in.
      if (cut !== undefined) text = text.slice(0, cut % (text.length + 1));
      assert.deepEqual(scanned(text, request), reference(text, request));
    }),
    { numRuns: 2000 },
  );
});

test('a lone LF stays inside its line, and a blank first line is a head of its own', () => {
  const text = 'GET / HTTP/1.1\r\nX-A: 1\nContent-Length: 5\r\nHost: h\r\n\r\n';
  assert.deepEqual(scanned(text, true), reference(text, true));
  const facts = emptyFacts();
  assert.equal(readHead(Buffer.from('\r\n\r\nGET'), 0, 7, true, facts), 4);
});
