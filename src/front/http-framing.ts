// Where HTTP/1.x messages begin and end in a byte stream, without building them: all the front's fast path needs to
// know when a connection is between requests (so it can be moved to a new release or closed without cutting one),
// and where to add X-Forwarded-* to a request head. Bodies are skipped by counting (Content-Length) or by reading
// chunk sizes (chunked); nothing is copied. What cannot be framed with certainty makes the stream "opaque".

const HEAD_END = Buffer.from('\r\n\r\n');
/** Heads larger than this are not framed (Node's own limit is 16 KiB): the connection is left opaque. */
const MAX_HEAD_BYTES = 64 * 1024;

export class FramingError extends Error {}

/** A chunked body: size lines, data, CRLFs and the trailer, read as they pass. */
class ChunkedBody {
  private state: 'size' | 'data' | 'crlf' | 'trailer' = 'size';
  private line = '';
  private left = 0;
  private lineLength = 0;

  /** Reads from `offset`; returns where the body ended in `chunk`, or -1 when it goes on past the chunk. */
  feed(chunk: Buffer, offset: number): number {
    let at = offset;
    while (at < chunk.length) {
      if (this.state === 'data') {
        const take = Math.min(this.left, chunk.length - at);
        this.left -= take;
        at += take;
        if (this.left === 0) {
          this.state = 'crlf';
          this.left = 2;
        }
      } else if (this.state === 'crlf') {
        const take = Math.min(this.left, chunk.length - at);
        this.left -= take;
        at += take;
        if (this.left === 0) this.state = 'size';
      } else {
        const newline = chunk.indexOf(10, at);
        const end = newline === -1 ? chunk.length : newline;
        if (this.state === 'size') {
          this.line += chunk.toString('latin1', at, end);
          if (this.line.length > 1024) throw new FramingError('chunk size line too long');
        } else {
          for (let index = at; index < end; index += 1) if (chunk[index] !== 13) this.lineLength += 1;
        }
        if (newline === -1) return -1;
        at = newline + 1;
        if (this.state === 'size') {
          const size = Number.parseInt(this.line.split(';')[0].trim(), 16);
          this.line = '';
          if (!Number.isFinite(size) || size < 0) throw new FramingError('bad chunk size');
          if (size === 0) {
            this.state = 'trailer';
            this.lineLength = 0;
          } else {
            this.state = 'data';
            this.left = size;
          }
        } else if (this.lineLength === 0) {
          return at;
        } else {
          this.lineLength = 0;
        }
      }
    }
    return -1;
  }
}

/** Where a complete head lies: in the chunk itself, or in a buffer joining the chunks it came in. */
export interface HeadBytes {
  buffer: Buffer;
  start: number;
  /** Just past its blank line. */
  end: number;
  /** The head as Latin-1 text without its blank line, when it was already decoded to find it. */
  text?: string;
}

/** A small chunk is decoded once and searched as a string (one native call instead of two). */
const SMALL_CHUNK = 4096;

/** Collects a head until its blank line, across chunks. */
class HeadReader {
  private partial: Buffer | null = null;

  /** Returns the head and where it ended in `chunk`, or null (the rest of the chunk was kept). */
  feed(chunk: Buffer, offset: number): { head: HeadBytes; next: number } | null {
    if (this.partial === null && chunk.length - offset <= SMALL_CHUNK) {
      const decoded = chunk.toString('latin1', offset);
      const at = decoded.indexOf('\r\n\r\n');
      if (at !== -1) return { head: { buffer: chunk, start: offset, end: offset + at + 4, text: decoded.slice(0, at + 2) }, next: offset + at + 4 };
      this.partial = Buffer.from(chunk.subarray(offset));
    } else if (this.partial === null) {
      const found = chunk.indexOf(HEAD_END, offset);
      if (found !== -1) return { head: { buffer: chunk, start: offset, end: found + 4 }, next: found + 4 };
      this.partial = Buffer.from(chunk.subarray(offset));
    } else {
      const joined = Buffer.concat([this.partial, chunk.subarray(offset)]);
      const found = joined.indexOf(HEAD_END);
      if (found !== -1) {
        this.partial = null;
        return { head: { buffer: joined, start: 0, end: found + 4 }, next: chunk.length - (joined.length - (found + 4)) };
      }
      this.partial = joined;
    }
    if (this.partial.length > MAX_HEAD_BYTES) throw new FramingError('head too large');
    return null;
  }

  get pending(): boolean {
    return this.partial !== null;
  }
}

/** What the front needs of a head. */
export interface HeadFacts {
  /** The head as Latin-1 text (HTTP heads are bytes; Latin-1 keeps every one), without its blank line. */
  text: string;
  /** HTTP/1.0 (the first line ends, or starts, with it). */
  http10: boolean;
  contentLengths: number;
  contentLength: number;
  transferEncoding: string | null;
  connection: string;
  upgrade: string | null;
  host: string;
  /** A proxy in front already added X-Forwarded-* headers. */
  forwarded: boolean;
}

/** Header names as they are searched for in a lower-cased head. */
const CONTENT_LENGTH = '\r\ncontent-length:';
const CONNECTION = '\r\nconnection:';
const TRANSFER_ENCODING = '\r\ntransfer-encoding:';
const HOST = '\r\nhost:';
const UPGRADE = '\r\nupgrade:';

/** The value of the header found by `needle` (one of the above) from `from` in the lower-cased head, or null. */
function valueIn(text: string, lower: string, needle: string, from = 0): { value: string; at: number } | null {
  const at = lower.indexOf(needle, from);
  if (at === -1) return null;
  const start = at + needle.length;
  let end = lower.indexOf('\r\n', start);
  if (end === -1) end = lower.length;
  return { value: text.slice(start, end).trim(), at: end };
}

// One string per head, and V8's string search for the few headers that matter: cheaper than walking every line.
export function scanHead(head: HeadBytes, request: boolean): HeadFacts {
  const text = head.text ?? head.buffer.toString('latin1', head.start, head.end - 2);
  const lower = text.toLowerCase();
  const firstEnd = text.indexOf('\r\n');
  const facts: HeadFacts = { text, http10: false, contentLengths: 0, contentLength: 0, transferEncoding: null, connection: '', upgrade: null, host: '', forwarded: false };
  // "… HTTP/1.0" ends a request line; "HTTP/1.0 …" starts a status line.
  facts.http10 = request ? text.charCodeAt(firstEnd - 1) === 0x30 && text.charCodeAt(firstEnd - 3) === 0x31 : text.charCodeAt(7) === 0x30;
  for (let found = valueIn(text, lower, CONTENT_LENGTH); found; found = valueIn(text, lower, CONTENT_LENGTH, found.at)) {
    facts.contentLengths += 1;
    if (!/^\d{1,15}$/.test(found.value)) throw new FramingError('bad content-length');
    facts.contentLength = Number(found.value);
  }
  for (let found = valueIn(text, lower, CONNECTION); found; found = valueIn(text, lower, CONNECTION, found.at)) facts.connection += `${found.value.toLowerCase()},`;
  facts.transferEncoding = valueIn(text, lower, TRANSFER_ENCODING)?.value.toLowerCase() ?? null;
  if (request) {
    facts.host = valueIn(text, lower, HOST)?.value ?? '';
    facts.upgrade = valueIn(text, lower, UPGRADE)?.value.toLowerCase() ?? null;
    facts.forwarded = lower.includes('\r\nx-forwarded-');
  }
  return facts;
}

/** How a message's body is framed (RFC 9112 §6.3), or a FramingError when that is ambiguous. */
function bodyFraming(facts: HeadFacts): { chunked: boolean; length: number } {
  if (facts.transferEncoding !== null) {
    if (facts.contentLengths > 0 || !/(^|,)\s*chunked$/.test(facts.transferEncoding)) throw new FramingError('ambiguous transfer-encoding');
    return { chunked: true, length: 0 };
  }
  if (facts.contentLengths > 1) throw new FramingError('several content-length headers');
  return { chunked: false, length: facts.contentLength };
}

export interface RequestHead extends HeadBytes {
  method: string;
  facts: HeadFacts;
  /** Asks to switch to WebSocket. */
  websocket: boolean;
  /** The client will not send another request on this connection. */
  lastRequest: boolean;
}

/** One piece of a request stream: a head (to forward with X-Forwarded-*), or body bytes (to forward as they are). */
export type RequestPiece = { kind: 'head'; head: RequestHead; end: number } | { kind: 'body'; end: number } | { kind: 'partial' };

/** The client's side: request heads and where each request's body ends. */
export class RequestFraming {
  private readonly heads = new HeadReader();
  private body: { left: number } | ChunkedBody | null = null;

  /** Between two requests, with no byte of the next one read. */
  get atStart(): boolean {
    return this.body === null && !this.heads.pending;
  }

  feed(chunk: Buffer, offset: number): RequestPiece {
    if (this.body === null) {
      const found = this.heads.feed(chunk, offset);
      if (!found) return { kind: 'partial' };
      const head = found.head;
      const facts = scanHead(head, true);
      const framing = bodyFraming(facts);
      if (framing.chunked) this.body = new ChunkedBody();
      else if (framing.length > 0) this.body = { left: framing.length };
      const method = facts.text.slice(0, facts.text.indexOf(' '));
      const lastRequest = facts.http10 ? !facts.connection.includes('keep-alive') : facts.connection.includes('close');
      const websocket = facts.upgrade === 'websocket' && facts.connection.includes('upgrade');
      return { kind: 'head', head: { buffer: head.buffer, start: head.start, end: head.end, method, facts, websocket, lastRequest }, end: found.next };
    }
    if (this.body instanceof ChunkedBody) {
      const end = this.body.feed(chunk, offset);
      if (end === -1) return { kind: 'body', end: chunk.length };
      this.body = null;
      return { kind: 'body', end };
    }
    const take = Math.min(this.body.left, chunk.length - offset);
    this.body.left -= take;
    if (this.body.left === 0) this.body = null;
    return { kind: 'body', end: offset + take };
  }
}

/** What the upstream's side of a connection did with a chunk. */
export interface ResponseProgress {
  /** Final responses completed in this chunk. */
  completed: number;
  /** The upstream switched protocols (101): from `switchedAt` on, the connection is a tunnel. */
  switched: boolean;
  switchedAt: number;
  /** The last completed response ends the connection (Connection: close, or HTTP/1.0 without keep-alive). */
  closes: boolean;
}

/** The upstream's side: response heads and bodies, matched to the methods of the requests they answer. */
export class ResponseFraming {
  private readonly heads = new HeadReader();
  private body: { left: number } | ChunkedBody | 'until-close' | null = null;
  private closesAfter = false;
  private readonly progress: ResponseProgress = { completed: 0, switched: false, switchedAt: 0, closes: false };

  /** Between responses, with no byte of the next one read. */
  get atStart(): boolean {
    return this.body === null && !this.heads.pending;
  }

  /** The current response's body lasts until the upstream closes the connection. */
  get untilClose(): boolean {
    return this.body === 'until-close';
  }

  /** `methods` are those of the requests still waiting for their responses, oldest first. The result is reused. */
  feed(chunk: Buffer, methods: readonly string[]): ResponseProgress {
    const progress = this.progress;
    progress.completed = 0;
    progress.switched = false;
    progress.closes = false;
    let at = 0;
    while (at < chunk.length) {
      if (this.body === 'until-close') return progress;
      if (this.body === null) {
        const found = this.heads.feed(chunk, at);
        if (!found) return progress;
        at = found.next;
        const { buffer, start } = found.head;
        const status = (buffer[start + 9] - 48) * 100 + (buffer[start + 10] - 48) * 10 + (buffer[start + 11] - 48);
        if (!(status >= 100 && status < 600)) throw new FramingError('bad status line');
        if (status === 101) {
          progress.switched = true;
          progress.switchedAt = at;
          return progress;
        }
        if (status < 200) continue;
        const facts = scanHead(found.head, false);
        this.closesAfter = facts.http10 ? !facts.connection.includes('keep-alive') : facts.connection.includes('close');
        const framing = bodyFraming(facts);
        if (methods[progress.completed] === 'HEAD' || status === 204 || status === 304) this.body = null;
        else if (framing.chunked) this.body = new ChunkedBody();
        else if (facts.contentLengths > 0) this.body = framing.length > 0 ? { left: framing.length } : null;
        else this.body = 'until-close';
        if (this.body === 'until-close') return progress;
        if (this.body === null) {
          progress.completed += 1;
          progress.closes = this.closesAfter;
        }
        continue;
      }
      if (this.body instanceof ChunkedBody) {
        const end = this.body.feed(chunk, at);
        if (end === -1) return progress;
        at = end;
      } else {
        const take = Math.min(this.body.left, chunk.length - at);
        this.body.left -= take;
        at += take;
        if (this.body.left > 0) return progress;
      }
      this.body = null;
      progress.completed += 1;
      progress.closes = this.closesAfter;
    }
    return progress;
  }
}

/** WebSocket frames from the server (RFC 6455 §5.2): where one ends, so a close frame can be put between two. */
export class WebSocketFrames {
  private header: number[] = [];
  private needed = 2;
  private left = 0;

  get atBoundary(): boolean {
    return this.left === 0 && this.header.length === 0;
  }

  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.left > 0) {
        const take = Math.min(this.left, chunk.length - at);
        this.left -= take;
        at += take;
        continue;
      }
      this.header.push(chunk[at]);
      at += 1;
      if (this.header.length === 2) {
        const short = this.header[1] & 0x7f;
        this.needed = 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + (this.header[1] & 0x80 ? 4 : 0);
      }
      if (this.header.length >= 2 && this.header.length === this.needed) {
        const short = this.header[1] & 0x7f;
        let length = short;
        if (short === 126) length = this.header[2] * 256 + this.header[3];
        else if (short === 127) length = this.header.slice(2, 10).reduce((total, byte) => total * 256 + byte, 0);
        this.left = length;
        this.header = [];
        this.needed = 2;
      }
    }
  }
}

/** A WebSocket close frame from the server: 1001 "going away", so the client reconnects. */
export const GOING_AWAY_FRAME = Buffer.from([0x88, 0x02, 0x03, 0xe9]);
