// Where HTTP/1.x messages begin and end in a byte stream, without building them: all the front's fast path needs to
// know when a connection is between requests (so it can be moved to a new release or closed without cutting one),
// and where to add X-Forwarded-* to a request head. Bodies are skipped by counting (Content-Length) or by reading
// chunk sizes (chunked); nothing is copied. What cannot be framed with certainty makes the stream "opaque".

/** Heads larger than this are not framed (Node's own limit is 16 KiB): the connection is left opaque. */
const MAX_HEAD_BYTES = 64 * 1024;

import { emptyFacts, FramingError, readHead, type HeadFacts } from './head-scan.js';

export { FramingError } from './head-scan.js';

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
}

/** Collects a head until its blank line, across chunks, reading it as it goes (head-scan.ts). */
class HeadReader {
  private partial: Buffer | null = null;
  /** Reused for every head: read it before the next one. */
  readonly head: HeadBytes = { buffer: Buffer.alloc(0), start: 0, end: 0 };
  readonly facts = emptyFacts();

  constructor(private readonly request: boolean) {}

  /** Returns where the head ended in `chunk` (the head and its facts are in `this`), or -1 (the rest was kept). */
  feed(chunk: Buffer, offset: number): number {
    if (this.partial === null) {
      const end = readHead(chunk, offset, chunk.length, this.request, this.facts);
      if (end !== -1) return this.found(chunk, offset, end);
      this.partial = Buffer.from(chunk.subarray(offset));
    } else {
      const joined = Buffer.concat([this.partial, chunk.subarray(offset)]);
      const end = readHead(joined, 0, joined.length, this.request, this.facts);
      if (end !== -1) {
        this.partial = null;
        this.found(joined, 0, end);
        return chunk.length - (joined.length - end);
      }
      this.partial = joined;
    }
    if (this.partial.length > MAX_HEAD_BYTES) throw new FramingError('head too large');
    return -1;
  }

  get pending(): boolean {
    return this.partial !== null;
  }

  private found(buffer: Buffer, start: number, end: number): number {
    this.head.buffer = buffer;
    this.head.start = start;
    this.head.end = end;
    return end;
  }
}

/** How a message's body is framed (RFC 9112 §6.3): chunked (true), by length (false), or a FramingError when that is
 * ambiguous. */
function isChunked(facts: HeadFacts): boolean {
  if (facts.transferEncoding !== null) {
    if (facts.contentLengths > 0 || !/(^|,)\s*chunked$/.test(facts.transferEncoding)) throw new FramingError('ambiguous transfer-encoding');
    return true;
  }
  if (facts.contentLengths > 1) throw new FramingError('several content-length headers');
  return false;
}

/** Whether the message is the connection's last (Connection: close, or HTTP/1.0 without keep-alive). */
const isLast = (facts: HeadFacts) => (facts.http10 ? !facts.connection.includes('keep-alive') : facts.connection.includes('close'));

/** The common methods as constants: no string is made from the bytes for them. */
function methodOf(buffer: Buffer, start: number): string {
  const first = buffer[start];
  if (first === 0x47 && buffer[start + 1] === 0x45 && buffer[start + 2] === 0x54 && buffer[start + 3] === 0x20) return 'GET';
  if (first === 0x50 && buffer[start + 1] === 0x4f && buffer[start + 2] === 0x53 && buffer[start + 3] === 0x54 && buffer[start + 4] === 0x20) return 'POST';
  if (first === 0x48 && buffer[start + 1] === 0x45 && buffer[start + 2] === 0x41 && buffer[start + 3] === 0x44 && buffer[start + 4] === 0x20) return 'HEAD';
  const space = buffer.indexOf(0x20, start);
  return buffer.toString('latin1', start, space === -1 ? start : space);
}

export interface RequestHead extends HeadBytes {
  method: string;
  facts: HeadFacts;
  /** Asks to switch to WebSocket. */
  websocket: boolean;
  /** The client will not send another request on this connection. */
  lastRequest: boolean;
}

/**
 * One piece of a request stream: a head (to forward with X-Forwarded-*), body bytes (to forward as they are), or
 * nothing complete yet. The object is reused by its RequestFraming: read it before the next call.
 */
export interface RequestPiece {
  kind: 'head' | 'body' | 'partial';
  /** The head, when kind is 'head'. */
  head: RequestHead;
  end: number;
}

/** The kind of body being skipped: none, a length left, chunked, or (responses) until the connection closes. */
const NONE = 0;
const LENGTH = 1;
const CHUNKED = 2;
const UNTIL_CLOSE = 3;

/** The body of the message being framed, on either side. One per side, reused for every message. */
class Body {
  private kind = NONE;
  private left = 0;
  private chunks: ChunkedBody | null = null;

  /** Between messages: no body being skipped. */
  get none(): boolean {
    return this.kind === NONE;
  }

  get untilClose(): boolean {
    return this.kind === UNTIL_CLOSE;
  }

  start(kind: number, length = 0): void {
    this.kind = kind;
    this.left = length;
    this.chunks = kind === CHUNKED ? new ChunkedBody() : null;
  }

  /** Skips body bytes from `offset` (not for UNTIL_CLOSE); returns where the body ended, or -1 when it goes on. */
  skip(chunk: Buffer, offset: number): number {
    if (this.kind === CHUNKED) {
      const end = this.chunks!.feed(chunk, offset);
      if (end !== -1) this.kind = NONE;
      return end;
    }
    const take = Math.min(this.left, chunk.length - offset);
    this.left -= take;
    if (this.left > 0) return -1;
    this.kind = NONE;
    return offset + take;
  }
}

/** The client's side: request heads and where each request's body ends. */
export class RequestFraming {
  private readonly heads = new HeadReader(true);
  private readonly body = new Body();
  private readonly piece: RequestPiece = {
    kind: 'partial',
    head: { buffer: Buffer.alloc(0), start: 0, end: 0, method: '', facts: this.heads.facts, websocket: false, lastRequest: false },
    end: 0,
  };

  /** Between two requests, with no byte of the next one read. */
  get atStart(): boolean {
    return this.body.none && !this.heads.pending;
  }

  feed(chunk: Buffer, offset: number): RequestPiece {
    const piece = this.piece;
    if (this.body.none) {
      const next = this.heads.feed(chunk, offset);
      if (next === -1) {
        piece.kind = 'partial';
        return piece;
      }
      const { buffer, start, end } = this.heads.head;
      const head = piece.head;
      const facts = this.heads.facts;
      if (isChunked(facts)) this.body.start(CHUNKED);
      else if (facts.contentLength > 0) this.body.start(LENGTH, facts.contentLength);
      head.buffer = buffer;
      head.start = start;
      head.end = end;
      head.method = methodOf(buffer, start);
      head.lastRequest = isLast(facts);
      head.websocket = facts.upgrade === 'websocket' && facts.connection.includes('upgrade');
      piece.kind = 'head';
      piece.end = next;
      return piece;
    }
    piece.kind = 'body';
    const end = this.body.skip(chunk, offset);
    piece.end = end === -1 ? chunk.length : end;
    return piece;
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
  private readonly heads = new HeadReader(false);
  private readonly body = new Body();
  private closesAfter = false;
  private readonly progress: ResponseProgress = { completed: 0, switched: false, switchedAt: 0, closes: false };

  /** Between responses, with no byte of the next one read. */
  get atStart(): boolean {
    return this.body.none && !this.heads.pending;
  }

  /** The current response's body lasts until the upstream closes the connection. */
  get untilClose(): boolean {
    return this.body.untilClose;
  }

  /** `methods` are those of the requests still waiting for their responses, oldest first. The result is reused. */
  feed(chunk: Buffer, methods: readonly string[]): ResponseProgress {
    const progress = this.progress;
    progress.completed = 0;
    progress.switched = false;
    progress.closes = false;
    let at = 0;
    while (at < chunk.length) {
      if (this.body.untilClose) return progress;
      if (this.body.none) {
        const next = this.heads.feed(chunk, at);
        if (next === -1) return progress;
        at = next;
        const { buffer, start } = this.heads.head;
        const status = (buffer[start + 9] - 48) * 100 + (buffer[start + 10] - 48) * 10 + (buffer[start + 11] - 48);
        if (!(status >= 100 && status < 600)) throw new FramingError('bad status line');
        if (status === 101) {
          progress.switched = true;
          progress.switchedAt = at;
          return progress;
        }
        if (status < 200) continue;
        const facts = this.heads.facts;
        this.closesAfter = isLast(facts);
        // Checked even where no body follows: ambiguous framing is refused either way.
        const chunked = isChunked(facts);
        if (methods[progress.completed] !== 'HEAD' && status !== 204 && status !== 304) {
          if (chunked) this.body.start(CHUNKED);
          else if (facts.contentLengths === 0) this.body.start(UNTIL_CLOSE);
          else if (facts.contentLength > 0) this.body.start(LENGTH, facts.contentLength);
        }
        if (this.body.untilClose) return progress;
        if (this.body.none) {
          progress.completed += 1;
          progress.closes = this.closesAfter;
        }
        continue;
      }
      const end = this.body.skip(chunk, at);
      if (end === -1) return progress;
      at = end;
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
