// Reads into the front's own memory (own-reads.ts) on real sockets: an accepted socket moved to a new net.Socket with
// `onread` reads, writes, pauses and ends like the one it replaces, and the server no longer counts the old one; where
// the handle cannot be moved, stream reads feed the same callback. And a ReadSlab never writes over bytes still kept.
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import fc from 'fast-check';
import { ownReadsWork, ReadSlab, withOwnReads } from '../../src/front/own-reads.js';

/** A server whose connections get own reads; every chunk read is recorded with the buffer it landed in. */
async function serve(pauseOnConnect: boolean) {
  const given = new Set<Buffer>();
  const chunks: Array<{ bytes: string; landedIn: Buffer }> = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer({ pauseOnConnect }, (accepted) => {
    const slab = new ReadSlab(1024, () => false);
    const socket = withOwnReads(accepted, {
      buffer: () => {
        const space = slab.next();
        given.add(space);
        return space;
      },
      callback: (bytes, buffer) => {
        chunks.push({ bytes: slab.landed(bytes, buffer).toString(), landedIn: buffer });
        socket.write(`echo ${bytes}\n`);
        return true;
      },
    });
    sockets.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as net.AddressInfo).port, given, chunks, sockets };
}

async function readLine(socket: net.Socket): Promise<string> {
  let text = '';
  while (!text.includes('\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    text += chunk.toString();
  }
  return text;
}

test('an accepted socket reads into our memory, writes, pauses, ends, and the server can close', async () => {
  const front = await serve(true);
  const visitor = net.connect(front.port, '127.0.0.1');
  await once(visitor, 'connect');
  visitor.write('hello');
  assert.equal(await readLine(visitor), 'echo 5\n');
  assert.equal(ownReadsWork(), true, 'this Node lets the handle move: own reads are in use');
  assert.equal(front.chunks[0].bytes, 'hello');
  assert.ok(front.given.has(front.chunks[0].landedIn), 'the bytes landed in a buffer the front gave');

  const [socket] = front.sockets;
  socket.pause();
  visitor.write('later');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(front.chunks.length, 1, 'a paused socket reads nothing');
  socket.resume();
  assert.equal(await readLine(visitor), 'echo 5\n');
  assert.equal(front.chunks[1].bytes, 'later');

  // The old socket was closed empty: the server does not wait for it, only for the new one.
  const closed = new Promise<void>((resolve) => front.server.close(() => resolve()));
  const ended = once(socket, 'end');
  visitor.end();
  await ended;
  socket.end();
  await closed;
});

test('a socket whose handle cannot move keeps stream reads, feeding the same callback', async () => {
  const front = await serve(false);
  const visitor = net.connect(front.port, '127.0.0.1');
  visitor.write('plain');
  assert.equal(await readLine(visitor), 'echo 5\n');
  assert.equal(ownReadsWork(), false, 'already reading: the socket was kept as it was');
  assert.equal(front.chunks[0].bytes, 'plain');
  assert.ok(!front.given.has(front.chunks[0].landedIn), 'the bytes came in a buffer of the stream');
  visitor.destroy();
  front.sockets[0].destroy();
  front.server.close();
});

test('fuzz: a ReadSlab never writes over bytes still held, whatever the reads and releases', () => {
  const opArb = fc.oneof(
    fc.record({ kind: fc.constant('read' as const), size: fc.integer({ min: 1, max: 70 }) }),
    fc.record({ kind: fc.constant('hold' as const), value: fc.boolean() }),
    fc.record({ kind: fc.constant('release' as const) }),
  );
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
      let holding = true;
      const slab = new ReadSlab(16, () => holding, 64);
      const reads: Array<{ view: Buffer; bytes: Buffer; free: boolean }> = [];
      const freeAll = () => reads.forEach((read) => (read.free = true));
      let space = slab.next(); // Node asks once before the first read.
      let stamp = 0;
      for (const op of ops) {
        if (op.kind === 'hold') holding = op.value;
        else if (op.kind === 'release') {
          slab.release();
          freeAll();
        } else {
          // The kernel writes into the space given; the callback takes the bytes; then Node asks for the next space.
          const bytes = Buffer.alloc(Math.min(op.size, space.length), (stamp += 1) % 251);
          bytes.copy(space);
          reads.push({ view: slab.landed(bytes.length, space), bytes, free: false });
          if (!holding) freeAll();
          space = slab.next();
        }
        for (const read of reads) if (!read.free) assert.deepEqual(read.view, read.bytes, 'a held read was written over');
      }
    }),
    { numRuns: 500 },
  );
});

test('a ReadSlab reuses its space when nothing is held, swaps slabs when only the last read is, and grows for reads that fill it', () => {
  let holding = false;
  const slab = new ReadSlab(64, () => holding);
  const first = slab.next();
  first.write('one');
  slab.landed(3, first);
  assert.equal(slab.next(), first, 'nothing held: the same space');
  holding = true;
  first.write('two');
  slab.landed(3, first);
  const second = slab.next();
  assert.notEqual(second, first, 'the last read is held: the other slab');
  assert.equal(second.length, 64, 'a whole slab, no view made');
  slab.release();
  second.write('three');
  slab.landed(5, second);
  assert.equal(slab.next(), first, 'released: back to the first slab');

  const growing = new ReadSlab(16, () => false, 64);
  const small = growing.next();
  growing.landed(small.length, small);
  assert.equal(growing.next().length, 64, 'a read filled its space: the next slab is larger');
});
