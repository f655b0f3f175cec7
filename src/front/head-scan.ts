// What the front needs of an HTTP/1.x head, read straight from its bytes: the few headers that frame a message
// (Content-Length, Transfer-Encoding, Connection) and, for requests, those the front acts on (Upgrade, Host,
// X-Forwarded-*). One pass over the bytes finds the head's end and reads those headers, with no string made for
// what is common: this runs for every request and response on the fast path, where building and lower-casing each
// head as text was the framing's largest cost.

export class FramingError extends Error {}

/** What the front needs of a head. The object is reused by its reader: read it before the next head. */
export interface HeadFacts {
  /** HTTP/1.0 (the request line ends with it, or the status line starts with it). */
  http10: boolean;
  contentLengths: number;
  contentLength: number;
  /** Lower-cased, or null when absent. */
  transferEncoding: string | null;
  /** Every Connection header's value, lower-cased, each followed by a comma ('' when absent). */
  connection: string;
  /** Lower-cased, or null when absent. */
  upgrade: string | null;
  /** Where the first Host value lies in the buffer (equal when absent). */
  hostStart: number;
  hostEnd: number;
  /** A proxy in front already added X-Forwarded-* headers. */
  forwarded: boolean;
}

export function emptyFacts(): HeadFacts {
  return { http10: false, contentLengths: 0, contentLength: 0, transferEncoding: null, connection: '', upgrade: null, hostStart: 0, hostEnd: 0, forwarded: false };
}

const CR = 13;
const LF = 10;
const name = (text: string) => Buffer.from(text, 'latin1');
const CONTENT_LENGTH = name('content-length:');
const CONNECTION = name('connection:');
const TRANSFER_ENCODING = name('transfer-encoding:');
const HOST = name('host:');
const UPGRADE = name('upgrade:');
const X_FORWARDED = name('x-forwarded-');
const KEEP_ALIVE = name('keep-alive');
const CLOSE = name('close');

/** Whether `buffer` holds `lower` at `at` (before `end`), ASCII letters in any case. */
function startsWith(buffer: Buffer, at: number, end: number, lower: Buffer): boolean {
  if (end - at < lower.length) return false;
  for (let index = 0; index < lower.length; index += 1) {
    const byte = buffer[at + index];
    if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== lower[index]) return false;
  }
  return true;
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x09;

/** A header value's text (already trimmed bounds), lower-cased. */
const lowerText = (buffer: Buffer, start: number, end: number) => buffer.toString('latin1', start, end).toLowerCase();

/**
 * Finds the head that starts at `start` in `buffer` and reads it into `facts`, in one pass: returns where the head
 * ends (just past its blank line), or -1 when no blank line comes before `limit` (then `facts` means nothing). Lines
 * end with CRLF (a lone LF stays inside its line); the blank line is the first empty line after the start line; a
 * header counts only as `name:` at the start of a line.
 */
export function readHead(buffer: Buffer, start: number, limit: number, request: boolean, facts: HeadFacts): number {
  facts.contentLengths = 0;
  facts.contentLength = 0;
  facts.transferEncoding = null;
  facts.connection = '';
  facts.upgrade = null;
  facts.hostStart = 0;
  facts.hostEnd = 0;
  facts.forwarded = false;
  let lineEnd = nextLineEnd(buffer, start, limit);
  if (lineEnd === -1) return -1;
  // "… HTTP/1.0" ends a request line; "HTTP/1.0 …" starts a status line.
  facts.http10 = request ? buffer[lineEnd - 1] === 0x30 && buffer[lineEnd - 3] === 0x31 : buffer[start + 7] === 0x30;
  let line = lineEnd + 2;
  for (;;) {
    lineEnd = nextLineEnd(buffer, line, limit);
    if (lineEnd === -1) return -1;
    if (lineEnd === line) return line + 2;
    const first = buffer[line] | 0x20;
    if (first === 0x63) {
      if (startsWith(buffer, line, lineEnd, CONTENT_LENGTH)) readContentLength(buffer, line + CONTENT_LENGTH.length, lineEnd, facts);
      else if (startsWith(buffer, line, lineEnd, CONNECTION)) facts.connection += connectionValue(buffer, line + CONNECTION.length, lineEnd);
    } else if (first === 0x74 && facts.transferEncoding === null && startsWith(buffer, line, lineEnd, TRANSFER_ENCODING)) {
      facts.transferEncoding = valueText(buffer, line + TRANSFER_ENCODING.length, lineEnd);
    } else if (request && first === 0x68 && facts.hostEnd === 0 && startsWith(buffer, line, lineEnd, HOST)) {
      facts.hostStart = valueStart(buffer, line + HOST.length, lineEnd);
      facts.hostEnd = valueEnd(buffer, facts.hostStart, lineEnd);
    } else if (request && first === 0x75 && facts.upgrade === null && startsWith(buffer, line, lineEnd, UPGRADE)) {
      facts.upgrade = valueText(buffer, line + UPGRADE.length, lineEnd);
    } else if (request && first === 0x78 && startsWith(buffer, line, lineEnd, X_FORWARDED)) {
      facts.forwarded = true;
    }
    line = lineEnd + 2;
  }
}

/** Where the line from `at` ends: the CR of its CRLF, or -1 when no CRLF comes before `limit`. */
function nextLineEnd(buffer: Buffer, at: number, limit: number): number {
  // A CRLF is two bytes: looking at every other byte finds one of them, in half the steps.
  for (let index = at + 1; index < limit; index += 2) {
    const byte = buffer[index];
    if (byte === LF) {
      if (buffer[index - 1] === CR) return index - 1;
    } else if (byte === CR && index + 1 < limit && buffer[index + 1] === LF) {
      return index;
    }
  }
  return -1;
}

function valueStart(buffer: Buffer, at: number, end: number): number {
  let start = at;
  while (start < end && isSpace(buffer[start])) start += 1;
  return start;
}

function valueEnd(buffer: Buffer, start: number, end: number): number {
  let stop = end;
  while (stop > start && isSpace(buffer[stop - 1])) stop -= 1;
  return stop;
}

function valueText(buffer: Buffer, at: number, end: number): string {
  const start = valueStart(buffer, at, end);
  return lowerText(buffer, start, valueEnd(buffer, start, end));
}

/** 1 to 15 digits, nothing else (a sign, a space inside or a second number is refused). */
function readContentLength(buffer: Buffer, at: number, end: number, facts: HeadFacts): void {
  const start = valueStart(buffer, at, end);
  const stop = valueEnd(buffer, start, end);
  if (stop === start || stop - start > 15) throw new FramingError('bad content-length');
  let length = 0;
  for (let index = start; index < stop; index += 1) {
    const digit = buffer[index] - 0x30;
    if (digit < 0 || digit > 9) throw new FramingError('bad content-length');
    length = length * 10 + digit;
  }
  facts.contentLengths += 1;
  facts.contentLength = length;
}

/** The common values without making a string from the bytes. */
function connectionValue(buffer: Buffer, at: number, end: number): string {
  const start = valueStart(buffer, at, end);
  const stop = valueEnd(buffer, start, end);
  if (stop - start === KEEP_ALIVE.length && startsWith(buffer, start, stop, KEEP_ALIVE)) return 'keep-alive,';
  if (stop - start === CLOSE.length && startsWith(buffer, start, stop, CLOSE)) return 'close,';
  return `${lowerText(buffer, start, stop)},`;
}
