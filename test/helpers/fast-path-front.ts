// A slot front on the fast path for tests, between two apps that name themselves (A and B), and raw visitor
// connections to it. Shared by front-fast-path.test.ts and front-fast-path-fuzz.test.ts.
import http from 'node:http';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import { createProxyRoute } from '../../src/front/proxy-route.js';
import { createSlotFront, type SlotFront } from '../../src/front/slot-front.js';
import { getFreePort } from './ports.js';

export /** An app that names itself, so a test can see which release answered. */
function startApp(name: string, options: { keepAliveTimeout?: number } = {}): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/status') {
      res.writeHead(Number(url.searchParams.get('code')), { etag: '"v1"' });
      return res.end();
    }
    if (url.pathname === '/download') {
      // Chunked (no content-length), in pieces.
      let left = Number(url.searchParams.get('bytes'));
      const piece = Buffer.alloc(64 * 1024, 'd');
      const pump = () => {
        while (left > 0) {
          const part = piece.subarray(0, Math.min(piece.length, left));
          left -= part.length;
          if (!res.write(part)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (url.pathname === '/slow') return void setTimeout(() => res.end(`${name} slow`), Number(url.searchParams.get('ms') ?? 300));
    let length = 0;
    req.on('data', (chunk: Buffer) => (length += chunk.length));
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(req.method === 'HEAD' ? undefined : `${name} ${req.method} ${url.pathname} ${length} ${req.headers['x-forwarded-for']}`);
    });
  });
  if (options.keepAliveTimeout) server.keepAliveTimeout = options.keepAliveTimeout;
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`${name}: ${data}`)));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port })));
}

export interface FastPathBench {
  front: SlotFront;
  port: number;
  a: { server: http.Server; port: number };
  b: { server: http.Server; port: number };
  close(): Promise<void>;
}

/** A slot front listening on a free port, with apps A and B started (the front shows its placeholder). */
export async function startFastPathBench(): Promise<FastPathBench> {
  const a = await startApp('A');
  const b = await startApp('B');
  const port = await getFreePort();
  const front = createSlotFront({ slot: 'a', host: '127.0.0.1', port, pageInfo: { slot: 'a', slotUrl: `http://localhost:${port}`, adminUrl: 'http://localhost:9000' } });
  await front.listen();
  return {
    front,
    port,
    a,
    b,
    async close() {
      await front.close();
      for (const app of [a, b]) {
        app.server.closeAllConnections();
        app.server.close();
      }
    },
  };
}

export const routeTo = (app: { port: number }) => createProxyRoute({ port: app.port, isUp: () => true });

/** A raw connection to the front: write bytes, read until a predicate holds on what arrived (or the socket ends). */
export function rawConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  let ended = false;
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk) => {
    received = Buffer.concat([received, chunk]);
    waiters.splice(0).forEach((wake) => wake());
  });
  socket.on('close', () => {
    ended = true;
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    socket,
    get ended() {
      return ended;
    },
    async until(done: (text: string) => boolean, what: string): Promise<string> {
      const deadline = Date.now() + 10_000;
      while (!done(received.toString('latin1'))) {
        if (ended || Date.now() > deadline) throw new Error(`gave up waiting for ${what}; got: ${received.toString('latin1').slice(0, 400)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return received.toString('latin1');
    },
  };
}
export const count = (text: string, needle: string) => text.split(needle).length - 1;
