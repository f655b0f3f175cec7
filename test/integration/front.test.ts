// The slot front over real HTTP: forwarding, headers, streamed bodies, WebSockets, static files, pages, draining.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { createProxyRoute } from '../../src/front/proxy-route.js';
import { createSlotFront, type SlotFront } from '../../src/front/slot-front.js';
import { getFreePort } from '../helpers/ports.js';
import { fixture, makeTempDir, removeDir } from '../helpers/temp.js';
import { request } from '../helpers/http.js';
import { eventually } from '../helpers/wait.js';

let front: SlotFront;
let frontUrl: string;
let upstream: http.Server;
let upstreamPort: number;
const work = makeTempDir('berth-front-');

before(async () => {
  upstreamPort = await getFreePort();
  upstream = http.createServer((req, res) => {
    if (req.url?.startsWith('/slow')) {
      setTimeout(() => res.end('slow answer'), 400);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers, bodyLength: Buffer.concat(chunks).length }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(upstreamPort, '127.0.0.1', resolve));
  const port = await getFreePort();
  front = createSlotFront({ slot: 'a', host: '127.0.0.1', port, pageInfo: { slot: 'a', slotUrl: `http://localhost:${port}`, adminUrl: 'http://localhost:9000' } });
  await front.listen();
  frontUrl = `http://127.0.0.1:${port}`;
});

after(async () => {
  await front.close();
  upstream.close();
  removeDir(work);
});

test('an empty slot shows a friendly placeholder naming the slot, its URL and how to deploy', async () => {
  front.show({ kind: 'placeholder' });
  const answer = await request(`${frontUrl}/anything`);
  assert.equal(answer.status, 200);
  assert.match(answer.headers['content-type']!, /text\/html/);
  assert.match(answer.body, /Slot <code>a<\/code> is ready/);
  assert.match(answer.body, /npx berth deploy a --path/);
  assert.match(answer.body, /http:\/\/localhost:9000/);
});

test('requests are forwarded, bodies streamed, multi-value headers kept; a proxy in front keeps its X-Forwarded-*', async () => {
  front.show({ kind: 'proxy', route: createProxyRoute({ port: upstreamPort, isUp: () => true }) });
  const body = 'x'.repeat(3 * 1024 * 1024);
  const answer = await request(`${frontUrl}/echo?q=1`, { method: 'POST', body, headers: { 'x-forwarded-proto': 'https', 'content-length': String(body.length) } });
  assert.equal(answer.status, 200);
  const seen = JSON.parse(answer.body);
  assert.equal(seen.url, '/echo?q=1');
  assert.equal(seen.bodyLength, body.length);
  // A visitor on loopback: X-Forwarded-* would repeat what the app sees anyway (front-fast-path.test.ts has the rest).
  assert.equal(seen.headers['x-forwarded-for'], undefined);
  assert.equal(seen.headers['x-forwarded-proto'], 'https', 'a proxy in front keeps its word on the scheme');
  assert.equal(seen.headers.host, new URL(frontUrl).host);
  assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
});

test('a target that is down gets a 503 page with Retry-After; an unreachable one a 502; never a stack trace', async () => {
  front.show({ kind: 'proxy', route: createProxyRoute({ port: upstreamPort, isUp: () => false }) });
  const down = await request(frontUrl);
  assert.equal(down.status, 503);
  assert.equal(down.headers['retry-after'], '5');
  const closedPort = await getFreePort();
  front.show({ kind: 'proxy', route: createProxyRoute({ port: closedPort, isUp: () => true }) });
  const unreachable = await request(frontUrl);
  assert.equal(unreachable.status, 502);
  assert.equal(unreachable.headers['retry-after'], '5');
  assert.doesNotMatch(unreachable.body, /at .*\.(ts|js):\d+/);
});

test('a swap sends new requests to the new target while an in-flight request to the old one finishes', async () => {
  const oldRoute = createProxyRoute({ port: upstreamPort, isUp: () => true });
  front.show({ kind: 'proxy', route: oldRoute });
  const slow = request(`${frontUrl}/slow`);
  await eventually(() => assert.equal(oldRoute.inFlight, 1));
  const previous = front.show({ kind: 'placeholder' });
  assert.equal(previous.kind === 'proxy' && previous.route, oldRoute);
  const drained = oldRoute.drain(5000);
  assert.equal((await request(frontUrl)).status, 200, 'new requests see the new route at once');
  assert.equal((await slow).body, 'slow answer');
  assert.deepEqual(await drained, { completed: true, cut: 0 });
});

test('a drain deadline cuts requests that run too long', async () => {
  const route = createProxyRoute({ port: upstreamPort, isUp: () => true });
  front.show({ kind: 'proxy', route });
  const slow = request(`${frontUrl}/slow`).then(() => 'answered', () => 'cut');
  await eventually(() => assert.equal(route.inFlight, 1));
  front.show({ kind: 'placeholder' });
  assert.deepEqual(await route.drain(10), { completed: false, cut: 1 });
  assert.equal(await slow, 'cut');
});

test('WebSocket upgrades are forwarded both ways, and closed when their release is drained', async () => {
  const port = await getFreePort();
  const app = spawn(process.execPath, [path.join(fixture('websocket-echo'), 'server.js')], { env: { PORT: String(port) }, stdio: 'ignore' });
  try {
    await eventually(() => request(`http://127.0.0.1:${port}/`));
    const route = createProxyRoute({ port, isUp: () => true });
    front.show({ kind: 'proxy', route });
    const socket = new WebSocket(frontUrl.replace('http', 'ws'));
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send('hello through berth');
    await eventually(() => assert.match(messages[0] ?? '', /^echo: hello through berth \(pid \d+\)$/));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    front.show({ kind: 'placeholder' });
    assert.equal((await route.drain(1000)).cut, 1);
    await closed;
  } finally {
    app.kill();
  }
});

test('static sites: content types, ETag revalidation, 404.html or SPA fallback, no escape from the root', async () => {
  const root = path.join(work, 'site');
  fs.cpSync(fixture('static-site'), root, { recursive: true });
  fs.writeFileSync(path.join(work, 'secret.txt'), 'outside the root');
  front.show({ kind: 'static', site: { root, spaFallback: true } });
  const css = await request(`${frontUrl}/app.css`);
  assert.equal(css.status, 200);
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.ok(css.headers.etag);
  assert.equal((await request(`${frontUrl}/app.css`, { headers: { 'if-none-match': css.headers.etag } })).status, 304);
  const home = await request(`${frontUrl}/`);
  assert.match(home.body, /static fixture home/);
  assert.equal(home.headers['cache-control'], 'no-cache');
  const deepLink = await request(`${frontUrl}/some/client/route`);
  assert.equal(deepLink.status, 200, 'SPA fallback serves index.html');
  assert.match(deepLink.body, /static fixture home/);
  for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
    const answer = await request(`${frontUrl}${attempt}`);
    assert.doesNotMatch(answer.body, /outside the root/, attempt);
  }
  front.show({ kind: 'static', site: { root, spaFallback: false } });
  assert.equal((await request(`${frontUrl}/missing`)).status, 404);
  fs.writeFileSync(path.join(root, '404.html'), '<h1>custom not found</h1>');
  const custom = await request(`${frontUrl}/missing`);
  assert.equal(custom.status, 404);
  assert.match(custom.body, /custom not found/);
  assert.equal((await request(`${frontUrl}/`, { method: 'DELETE' })).status, 405);
});
