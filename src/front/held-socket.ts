// A visitor connection handed from the fast path to the front's HTTP server after bytes were read from it: Node's
// HTTP server reads a plain socket straight from its handle, past anything put back with unshift(), so it gets a
// stream that yields the held bytes first and then the socket's, which the fast path still reads (into its own
// memory, own-reads.ts) and passes on through `feed`.
import type net from 'node:net';
import { Duplex } from 'node:stream';

export function withHeldBytes(socket: net.Socket, held: Buffer[]): { stream: Duplex; feed: (bytes: Buffer) => void } {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  for (const chunk of held) stream.push(chunk);
  const feed = (bytes: Buffer) => {
    if (!stream.push(bytes)) socket.pause();
  };
  socket.on('end', () => stream.push(null));
  socket.on('error', (error) => stream.destroy(error));
  socket.on('close', () => stream.destroy());
  // The HTTP server's keep-alive and header timeouts act on the socket; its 'timeout' reaches the server.
  socket.on('timeout', () => stream.emit('timeout'));
  // What the HTTP server and the pages read of a socket.
  Object.assign(stream, {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    encrypted: false,
    setTimeout: (ms: number) => (socket.setTimeout(ms), stream),
    setNoDelay: () => stream,
    setKeepAlive: () => stream,
  });
  return { stream, feed };
}
