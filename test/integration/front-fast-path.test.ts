// The front's fast path (connections piped to the release and only framed) over real sockets: everything a visitor
// can do keeps working — pipelining, Connection: close, HTTP/1.0, chunked and large bodies both ways, slow readers,
// 100-continue, 204/304 and HEAD — and a switch moves keep-alive connections to the new release between requests,
// never during one, while WebSockets get a clean close (1001) and reconnect. The fuzz tests are in
// front-fast-path-fuzz.test.ts.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { after, before, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { createProxyRoute } from '../../src/front/proxy-route.js';
import { createSlotFront } from '../../src/front/slot-front.js';
import { count, rawConnection as connectTo, routeTo, startApp, startFastPathBench, type FastPathBench } from '../helpers/fast-path-front.js';
import { getFreePort } from '../helpers/ports.js';

let bench: FastPathBench;
let front: FastPathBench['front'];
let port: number;
let a: FastPathBench['a'];
let b: FastPathBench['b'];
const rawConnection = () => connectTo(port);

before(async () => {
  bench = await startFastPathBench();
  ({ front, port, a, b } = bench);
});
after(() => bench.close());

test('pipelined requests are answered in order', async () => {
  front.show({ kind: 'proxy', route: routeTo(a) });
  const connection = rawConnection();
  connection.socket.write('GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\nPOST /three HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
  const text = await connection.until((seen) => seen.includes('A POST /three 5'), 'three responses');
  assert.ok(text.indexOf('A GET /one 0') < text.indexOf('A GET /two 0') && text.indexOf('A GET /two 0') < text.indexOf('A POST /three 5'));
  connection.socket.destroy();
});

const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;

test('a visitor from another machine gets X-Forwarded-For/Proto/Host added; a chain from a proxy in front is extended', { skip: !lanAddress && 'no non-loopback IPv4 address here' }, async () => {
  const lanPort = await getFreePort();
  const lanFront = createSlotFront({ slot: 'b', host: '0.0.0.0', port: lanPort, pageInfo: { slot: 'b', slotUrl: '', adminUrl: '' } });
  await lanFront.listen();
  try {
    const echo = http.createServer((req, res) => res.end(JSON.stringify(req.headers)));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    lanFront.show({ kind: 'proxy', route: createProxyRoute({ port: (echo.address() as net.AddressInfo).port, isUp: () => true }) });
    const ask = (headers: Record<string, string>) =>
      new Promise<Record<string, string>>((resolve, reject) =>
        http.get({ host: lanAddress, port: lanPort, path: '/', headers }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(JSON.parse(body)));
        }).on('error', reject),
      );
    const plain = await ask({});
    assert.equal(plain['x-forwarded-for'], lanAddress);
    assert.equal(plain['x-forwarded-proto'], 'http');
    assert.equal(plain['x-forwarded-host'], `${lanAddress}:${lanPort}`);
    const proxied = await ask({ 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' });
    assert.equal(proxied['x-forwarded-for'], `203.0.113.9, ${lanAddress}`);
    assert.equal(proxied['x-forwarded-proto'], 'https');
    echo.close();
  } finally {
    await lanFront.close();
  }
});

test('Connection: close and HTTP/1.0 end the connection after their response', async () => {
  front.show({ kind: 'proxy', route: routeTo(a) });
  for (const request of ['GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'GET /old HTTP/1.0\r\n\r\n']) {
    const connection = rawConnection();
    connection.socket.write(request);
    const text = await connection.until((seen) => /A GET \/(bye|old) 0/.test(seen), 'the answer');
    assert.match(text, /^HTTP\/1\.1 200 OK/);
    await connection.until(() => connection.ended, 'the close');
  }
});

test('chunked uploads and large downloads stream through in full; a slow reader gets every byte', async () => {
  front.show({ kind: 'proxy', route: routeTo(a) });
  const upload = await new Promise<string>((resolve, reject) => {
    const req = http.request({ port, method: 'POST', path: '/upload', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    const piece = Buffer.alloc(256 * 1024, 'u');
    for (let index = 0; index < 20; index += 1) req.write(piece);
    req.end();
  });
  assert.match(upload, new RegExp(`^A POST /upload ${20 * 256 * 1024} `));

  const bytes = 24 * 1024 * 1024;
  const received = await new Promise<number>((resolve, reject) => {
    http.get({ port, path: `/download?bytes=${bytes}` }, (res) => {
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      let total = 0;
      // A slow reader: pauses after every chunk, so the front must hold the app back rather than buffer.
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        res.pause();
        setImmediate(() => res.resume());
      });
      res.on('end', () => resolve(total));
    }).on('error', reject);
  });
  assert.equal(received, bytes);
});

test('a visitor that stops reading holds the release back (nothing piles up in the front) and then gets every byte', async () => {
  front.show({ kind: 'proxy', route: routeTo(a) });
  const bytes = 64 * 1024 * 1024;
  const socket = net.connect(port, '127.0.0.1');
  socket.write(`GET /download?bytes=${bytes} HTTP/1.1\r\nHost: x\r\n\r\n`);
  socket.pause();
  await new Promise((resolve) => setTimeout(resolve, 800));
  const heapWhilePaused = process.memoryUsage().arrayBuffers;
  assert.ok(heapWhilePaused < bytes / 2, `the front did not buffer the download (${Math.round(heapWhilePaused / 1048576)} MiB of buffers)`);
  let received = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // The chunked body ends with the zero-size chunk.
      if (chunk.toString('latin1').endsWith('\r\n0\r\n\r\n')) resolve();
    });
    socket.resume();
  });
  assert.ok(received > bytes, `all ${bytes} bytes arrived (with the head and chunk sizes): ${received}`);
  socket.destroy();
});

test('100-continue, 204, 304 and HEAD keep the connection usable for the next request', async () => {
  front.show({ kind: 'proxy', route: routeTo(a) });
  const connection = rawConnection();
  connection.socket.write('POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n');
  await connection.until((seen) => seen.includes('100 Continue'), 'the interim 100');
  connection.socket.write('abc');
  await connection.until((seen) => seen.includes('A POST /form 3'), 'the final answer');
  connection.socket.write('GET /status?code=204 HTTP/1.1\r\nHost: x\r\n\r\nGET /status?code=304 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /page HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = await connection.until((seen) => seen.includes('A GET /after 0'), 'the request after them');
  assert.equal(count(text, 'HTTP/1.1 204'), 1);
  assert.equal(count(text, 'HTTP/1.1 304'), 1);
  assert.equal(count(text, 'HTTP/1.1 200'), 3, 'form, HEAD and /after');
  connection.socket.destroy();
});

test('a switch moves a keep-alive connection to the new release at its next request; one in flight finishes on the old', async () => {
  const old = routeTo(a);
  front.show({ kind: 'proxy', route: old });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) =>
    new Promise<string>((resolve, reject) =>
      http.get({ port, path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      }).on('error', reject),
    );
  assert.match(await get('/first'), /^A GET/);
  const inFlight = get('/slow?ms=300');
  await new Promise((resolve) => setTimeout(resolve, 50));
  front.show({ kind: 'proxy', route: routeTo(b) });
  const drained = old.drain(5000);
  const next = get('/second');
  assert.equal(await inFlight, 'A slow', 'the request in flight finished on the old release');
  assert.match(await next, /^B GET \/second/, 'the next request on the same connection went to the new one');
  assert.deepEqual(await drained, { completed: true, cut: 0 });
  agent.destroy();
});

test('when the slot stops showing an app, the next request on a kept connection gets the page, on the same connection', async () => {
  const route = routeTo(a);
  front.show({ kind: 'proxy', route });
  const connection = rawConnection();
  connection.socket.write('GET /before HTTP/1.1\r\nHost: x\r\n\r\n');
  await connection.until((seen) => seen.includes('A GET /before'), 'the app');
  front.show({ kind: 'placeholder' });
  assert.deepEqual(await route.drain(1000), { completed: true, cut: 0 }, 'the idle connection left the release at once');
  connection.socket.write('GET /after HTTP/1.1\r\nHost: x\r\n\r\nGET /again HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = await connection.until((seen) => count(seen, '</html>') === 2, 'two placeholder pages');
  assert.equal(count(text, 'HTTP/1.1 200'), 3);
  assert.match(text, /Slot <code>a<\/code> is ready/);
  assert.equal(connection.ended, false, 'still a keep-alive connection');
  connection.socket.destroy();
});

test('a connection opened while the slot showed a page ends after its first answer from the app; the next one takes the fast path', async () => {
  front.show({ kind: 'placeholder' });
  const early = rawConnection();
  early.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await early.until((seen) => seen.includes('HTTP/1.1 200') && seen.includes('</html>'), 'the placeholder page');
  front.show({ kind: 'proxy', route: routeTo(a) });
  early.socket.write('GET /after HTTP/1.1\r\nHost: x\r\n\r\n');
  // The HTTP path adds X-Forwarded-For even for a loopback visitor; the fast path does not.
  const answer = await early.until((seen) => seen.endsWith('A GET /after 0 127.0.0.1'), 'the app’s answer on the HTTP path');
  assert.match(answer, /\r\nconnection: close\r\n/i);
  await early.until(() => early.ended, 'the connection to end');
  const next = rawConnection();
  next.socket.write('GET /next HTTP/1.1\r\nHost: x\r\n\r\n');
  await next.until((seen) => seen.endsWith('A GET /next 0 undefined'), 'the answer on the fast path');
  next.socket.destroy();
});

test('an app that closes idle keep-alive connections does not close the visitor’s', async () => {
  const short = await startApp('S', { keepAliveTimeout: 100 });
  try {
    front.show({ kind: 'proxy', route: routeTo(short) });
    const connection = rawConnection();
    connection.socket.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n');
    await connection.until((seen) => seen.includes('S GET /1'), 'the first answer');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(connection.ended, false);
    connection.socket.write('GET /2 HTTP/1.1\r\nHost: x\r\n\r\n');
    await connection.until((seen) => seen.includes('S GET /2'), 'the answer on a fresh upstream connection');
    connection.socket.destroy();
  } finally {
    short.server.closeAllConnections();
    short.server.close();
  }
});

test('a request the app closes on before answering is sent again once if it is idempotent; a POST gets the 502 page', async () => {
  // A STAND-IN app at the TCP level: it drops the first request it reads on every connection numbered in `drops`.
  let connections = 0;
  const drops = new Set([1, 3, 4, 5]);
  const app = net.createServer((socket) => {
    connections += 1;
    const number = connections;
    socket.once('data', (chunk) => {
      if (drops.has(number)) return void socket.destroy();
      const method = chunk.toString('latin1').split(' ')[0];
      socket.end(`HTTP/1.1 200 OK\r\ncontent-length: ${method.length + 6}\r\nconnection: close\r\n\r\nagain ${method}`);
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  try {
    front.show({ kind: 'proxy', route: createProxyRoute({ port: (app.address() as net.AddressInfo).port, isUp: () => true }) });
    const get = rawConnection();
    get.socket.write('GET /replayed HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(await get.until((seen) => seen.includes('again GET'), 'the answer on the second upstream connection'), /^HTTP\/1\.1 200/);
    assert.equal(connections, 2, 'sent once more, on a fresh connection');
    get.socket.destroy();

    const post = rawConnection();
    post.socket.write('POST /pay HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok');
    assert.match(await post.until(() => post.ended, 'the 502 page'), /^HTTP\/1\.1 502 Bad Gateway/);
    assert.equal(connections, 3, 'a POST is never sent twice');

    const twice = rawConnection();
    twice.socket.write('GET /dropped-twice HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(await twice.until(() => twice.ended, 'the 502 page'), /^HTTP\/1\.1 502 Bad Gateway/);
    assert.equal(connections, 5, 'sent again once, not more');
  } finally {
    app.close();
  }
});

test('a release that refuses connections gets the 502 page; one that is down the 503 page', async () => {
  front.show({ kind: 'proxy', route: createProxyRoute({ port: await getFreePort(), isUp: () => true }) });
  const refused = rawConnection();
  refused.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(await refused.until(() => refused.ended, 'the page and close'), /^HTTP\/1\.1 502 Bad Gateway[\s\S]*retry-after: 5[\s\S]*<html/i);
});

test('a head sent in pieces by a slow client is forwarded whole; after its release crashed, the next request gets the 503 page', async () => {
  const crashing = await startApp('D');
  let up = true;
  front.show({ kind: 'proxy', route: createProxyRoute({ port: crashing.port, isUp: () => up }) });
  const connection = rawConnection();
  for (const piece of ['GET /pie', 'ces HTTP/1.1\r\nHo', 'st: x\r\n', '\r\n']) {
    connection.socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await connection.until((seen) => seen.includes('D GET /pieces 0'), 'the answer to the slow head');
  // The process dies (its connections close) and the supervisor says it is down while it restarts.
  up = false;
  crashing.server.closeAllConnections();
  crashing.server.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  connection.socket.write('GET /next HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = await connection.until(() => connection.ended, 'the 503 page and the close');
  assert.equal(connection.ended, true);
  assert.match(text.slice(text.indexOf('D GET /pieces')), /HTTP\/1\.1 503 Service Unavailable[\s\S]*retry-after: 5/);
});

test('a drained WebSocket gets a clean close (1001) and reconnects to the new release', async () => {
  const old = routeTo(a);
  front.show({ kind: 'proxy', route: old });
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  const messages: string[] = [];
  socket.on('message', (data) => messages.push(String(data)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send('hi');
  const deadline = Date.now() + 5000;
  while (messages.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(messages, ['A: hi']);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  front.show({ kind: 'proxy', route: routeTo(b) });
  const drained = await old.drain(2000);
  assert.equal(await closed, 1001, 'going away: the client knows to reconnect');
  assert.equal(drained.cut, 1);
  const again = new WebSocket(`ws://127.0.0.1:${port}/`);
  const reply = await new Promise<string>((resolve, reject) => {
    again.once('open', () => again.send('back'));
    again.once('message', (data) => resolve(String(data)));
    again.once('error', reject);
  });
  assert.equal(reply, 'B: back');
  again.close();
});

test('a WebSocket whose upgrade was still being answered when its release was drained goes away (1001) as soon as it opens', async () => {
  const slowServer = http.createServer();
  new WebSocketServer({ server: slowServer, verifyClient: (_info, done) => setTimeout(() => done(true), 300) }).on('connection', (socket) => socket.send('late hello'));
  await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
  try {
    const old = createProxyRoute({ port: (slowServer.address() as net.AddressInfo).port, isUp: () => true });
    front.show({ kind: 'proxy', route: old });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    front.show({ kind: 'proxy', route: routeTo(b) });
    const drained = await old.drain(5000);
    assert.equal(await closed, 1001);
    assert.equal(drained.completed, true, 'the drain did not wait for its deadline');
  } finally {
    slowServer.closeAllConnections();
    slowServer.close();
  }
});

