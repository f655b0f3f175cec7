// Reads that land in memory of the front's own. A socket's default reads cost a new buffer per read and a trip
// through Node's Readable machinery (push, buffer list, 'data'); net.Socket's `onread` option skips both: the kernel
// writes into a buffer we give, and one callback gets the byte count. With it the whole fast path, framing included,
// costs less CPU per request than a bare node:net pipe with stream reads (bench/front).
import net from 'node:net';

/** net.Socket's `onread` option: where the next read lands, and what happens with the bytes (false pauses reading). */
export interface OwnReads {
  buffer: () => Buffer;
  callback: (bytes: number, buffer: Buffer) => boolean;
}

/**
 * Memory for one socket's reads. Bytes handed out are never written over while they may still be held (a write not
 * yet flushed, a request kept for sending again): `kept()` says whether anything read so far may be, and `release()`
 * tells the slab that nothing is any more. Two slabs are used in turn, so the common case — only the last read still
 * held — costs no new buffer and no view: the next read goes to the other slab, freed before. Otherwise reads land one
 * after another, and a slab with little room left is replaced by a new one.
 */
export class ReadSlab {
  private size: number;
  private slab: Buffer;
  private spare: Buffer | null = null;
  private offset = 0;
  private space: Buffer;
  private lastRead = 0;
  /** Reads since everything read was last free. */
  private readsHeld = 0;

  /**
   * Slabs start at `size` bytes; a read that fills the space it was given (a large upload or download) makes the next
   * slab four times larger, up to `maxSize`. Small traffic keeps small slabs: a connection holds them while open.
   */
  constructor(
    size: number,
    private readonly kept: () => boolean,
    private readonly maxSize = size,
  ) {
    this.size = size;
    this.slab = Buffer.allocUnsafe(size);
    this.space = this.slab;
  }

  /** The bytes that a read put at the start of `buffer` (the space given before it). */
  landed(bytes: number, buffer: Buffer): Buffer {
    this.lastRead = bytes;
    this.readsHeld += 1;
    return buffer.subarray(0, bytes);
  }

  /** Nothing read so far is held any more. */
  release(): void {
    this.readsHeld = 0;
  }

  /** Where the next read lands (onread.buffer; Node asks after each read). */
  next(): Buffer {
    const lastRead = this.lastRead;
    this.lastRead = 0;
    if (lastRead === 0) return this.space;
    if (lastRead === this.space.length && this.size < this.maxSize) {
      // A new slab never writes over anything; the smaller spare is let go.
      this.size = Math.min(this.maxSize, this.size * 4);
      this.spare = null;
      this.useWhole(Buffer.allocUnsafe(this.size));
      return this.space;
    }
    if (!this.kept()) {
      this.readsHeld = 0;
      if (this.offset !== 0) this.useWhole(this.slab);
      return this.space;
    }
    if (this.readsHeld === 1) {
      // Only the last read is held: every earlier one, the other slab's included, is free.
      const other = this.spare ?? Buffer.allocUnsafe(this.size);
      this.spare = this.slab;
      this.useWhole(other);
      return this.space;
    }
    this.offset += lastRead;
    // A read smaller than a quarter of the slab would cost more reads than a new slab costs.
    if (this.slab.length - this.offset < this.size / 4) this.useWhole(Buffer.allocUnsafe(this.size));
    else this.space = this.slab.subarray(this.offset);
    return this.space;
  }

  private useWhole(slab: Buffer): void {
    this.slab = slab;
    this.offset = 0;
    this.space = slab;
  }
}

/** Whether Node's internals still look as this module expects: a socket handle that is not reading yet. */
function movableHandle(socket: net.Socket): object | null {
  const handle = (socket as unknown as { _handle?: { readStart?: unknown; reading?: boolean } | null })._handle;
  if (!handle || typeof handle.readStart !== 'function' || handle.reading || socket.readableFlowing !== false) return null;
  return handle;
}

/**
 * Gives an accepted socket (from a server with `pauseOnConnect`) reads into our own memory, and returns the socket to
 * use from now on. `onread` is offered only to sockets one creates, not to those a server accepts, so the accepted
 * socket's handle moves into a new net.Socket that asks for it — the `handle` option and `_handle` are Node internals
 * (net.Server itself builds its sockets that way). The old socket is closed empty, so the server stops counting it.
 * Where the internals do not look as expected, the socket keeps stream reads and `onread.callback` is fed from
 * 'data': slower, the same behaviour (tested in test/unit/own-reads.test.ts).
 */
export function withOwnReads(accepted: net.Socket, onread: OwnReads): net.Socket {
  const handle = movableHandle(accepted);
  if (handle) {
    const socket = new net.Socket({ handle, onread } as net.SocketConstructorOpts);
    (accepted as unknown as { _handle: null })._handle = null;
    accepted.destroy();
    ownReadsInUse = true;
    return socket;
  }
  ownReadsInUse = false;
  accepted.on('data', (chunk: Buffer) => {
    if (onread.callback(chunk.length, chunk) === false) accepted.pause();
  });
  accepted.resume();
  return accepted;
}

let ownReadsInUse = false;

/** An accepted socket (paused) reading into `slab`; `onBytes` gets each read. Returns the socket to use. */
export function acceptInto(accepted: net.Socket, slab: ReadSlab, onBytes: (bytes: Buffer) => void): net.Socket {
  return withOwnReads(accepted, {
    buffer: () => slab.next(),
    callback: (bytes, buffer) => {
      onBytes(slab.landed(bytes, buffer));
      return true;
    },
  });
}

/** A connection to a port on loopback reading into `slab`; `onBytes` gets each read; reading stops while `paused()`. */
export function connectInto(port: number, slab: ReadSlab, onBytes: (bytes: Buffer) => void, paused: () => boolean): net.Socket {
  return net.connect({
    port,
    host: '127.0.0.1',
    noDelay: true,
    onread: {
      buffer: () => slab.next(),
      callback: (bytes: number, buffer: Uint8Array) => {
        onBytes(slab.landed(bytes, buffer as Buffer));
        return !paused();
      },
    },
  });
}

/** Whether the last accepted socket got own-memory reads (false: this Node's internals changed; see withOwnReads). */
export function ownReadsWork(): boolean {
  return ownReadsInUse;
}

/** Tries it on a loopback connection of its own: whether this Node lets accepted sockets read into own memory. */
export async function probeOwnReads(): Promise<boolean> {
  const server = net.createServer({ pauseOnConnect: true });
  const accepted = new Promise<boolean>((resolve) => {
    server.once('connection', (socket) => {
      const moved = withOwnReads(socket, { buffer: () => Buffer.allocUnsafe(64), callback: () => true });
      resolve(moved !== socket);
      moved.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('error', () => undefined);
  try {
    return await accepted;
  } finally {
    client.destroy();
    server.close();
  }
}
