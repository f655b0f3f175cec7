// Secrets never leave the daemon unless revealed (every GET answer, log stream and live message is scanned), and the
// live socket resumes from cursors with no gap and no duplicate, and drops a client that stops reading.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import type { LiveMessage } from '../../src/sdk/schemas.js';
import { call, sameOrigin, signIn } from '../helpers/api-calls.js';
import { request } from '../helpers/http.js';
import { fixture } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';
import { eventually } from '../helpers/wait.js';

const API_KEY = 'sk-live-4242424242';
const MARKED = 'looks-harmless-but-secret';

let berth: TestDaemon;
let cookie: string;
before(async () => {
  berth = await startTestDaemon({ config: { logs: { maxFileBytes: 4 * 1024 * 1024, maxFiles: 5, maxLineBytes: 16_384 } } });
  cookie = await signIn(berth, berth.info.login!.code);
});
after(async () => {
  // A root berth keeps database files under /var/lib/berth; the test removes them with its home.
  const data = path.join(berth.home, 'postgres', 'data');
  const real = fs.existsSync(data) ? fs.realpathSync(data) : null;
  await berth.close();
  if (real) fs.rmSync(real, { recursive: true, force: true });
});

function openLive(): Promise<{ socket: WebSocket; messages: LiveMessage[]; closed: Promise<number> }> {
  const socket = new WebSocket(`${berth.info.apiUrl.replace('http', 'ws')}/api/v1/live`, { headers: { cookie, origin: sameOrigin(berth) } });
  const messages: LiveMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve({ socket, messages, closed }));
    socket.on('error', reject);
  });
}

test('secret values appear in no answer, log or live message unless revealed; the reveal is recorded', async () => {
  const live = await openLive();
  live.socket.send(JSON.stringify({ type: 'subscribe', topic: 'events' }));
  live.socket.send(JSON.stringify({ type: 'subscribe', topic: 'slots' }));
  live.socket.send(JSON.stringify({ type: 'subscribe', topic: 'logs', slot: 'a', tail: 0 }));

  await berth.client.changeEnv('a', { set: { API_KEY, PLAIN_LOOKING: MARKED, SHOWN: 'visible-value' }, secret: ['PLAIN_LOOKING'] });
  // With a database too: its password must not leak either.
  await berth.client.enableDatabase('a');
  const databaseUrl = await berth.client.databaseUrl('a');
  const databasePassword = new URL(databaseUrl).password;
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  await owner.query("CREATE TABLE notes AS SELECT 'a plain note' AS text");
  await owner.end();
  const deployed = await berth.client.deploy('a', fixture('prints-secret'));
  live.socket.send(JSON.stringify({ type: 'subscribe', topic: 'deployment', id: deployed.id }));
  assert.equal((await request(`${berth.slotUrl('a')}/hello`)).body, 'ok\n');
  await eventually(async () => assert.match((await berth.client.logs('a', { tail: 10 })).lines.map((line) => line.text).join('\n'), /authorised by/));

  // Every GET route fastify knows (so a new one is scanned too), with real parameters, plus generous queries.
  const paths = berth.daemon
    .routes()
    .filter((route) => route.method === 'GET' && route.url.startsWith('/api/v1/') && route.url !== '/api/v1/live')
    .map((route) => route.url.replace(':slot', 'a').replace(':id', deployed.id).replace(':table', 'notes'))
    .map((path) => (path.endsWith('/logs') ? `${path}?tail=1000` : path.endsWith('/events') ? `${path}?limit=1000` : path));
  assert.ok(paths.length >= 14, `GET routes scanned: ${paths.join(' ')}`);
  const bodies: string[] = [];
  for (const path of paths) {
    const answer = await call(berth, path, { cookie });
    assert.equal(answer.status, 200, `${path}: ${answer.text.slice(0, 200)}`);
    bodies.push(answer.text);
  }
  const logs = (await call(berth, '/api/v1/slots/a/logs?tail=1000', { cookie })).text;
  assert.match(logs, /connecting with API_KEY=•+ and •+/, 'the app printed both secrets; the log holds masks');
  assert.match(logs, /authorised by •+/);
  const buildLog = (await call(berth, `/api/v1/deployments/${deployed.id}/log`, { cookie })).json.lines.map((line: { text: string }) => line.text).join('\n');
  assert.match(buildLog, /building with API_KEY=•+/, 'the build printed the secret; its log holds the mask');
  const env = (await call(berth, '/api/v1/slots/a/env', { cookie })).json;
  assert.equal(env.env.SHOWN, 'visible-value', 'a plain value is shown');
  assert.deepEqual(env.secrets, ['API_KEY', 'PLAIN_LOOKING']);

  await eventually(() => assert.ok(live.messages.some((message) => message.type === 'logs' && message.lines.some((line) => line.text.includes('authorised by'))), 'the log line reached the socket'));
  const everything = [...bodies, JSON.stringify(live.messages)].join('\n');
  for (const secret of [API_KEY, MARKED, databasePassword, encodeURIComponent(databasePassword)]) assert.equal(everything.includes(secret), false, `${secret} leaked`);

  const revealed = await call(berth, '/api/v1/slots/a/env/reveal', { method: 'POST', body: { key: 'API_KEY' }, cookie, origin: sameOrigin(berth) });
  assert.equal(revealed.json.value, API_KEY);
  const events = (await call(berth, '/api/v1/events?slot=a', { cookie })).json.events;
  assert.ok(events.some((event: { type: string; actor: string }) => event.type === 'env.revealed' && event.actor === 'ui'));
  live.socket.close();
});

test('the live socket: a reconnecting client with its cursors misses nothing and sees nothing twice', async () => {
  const first = await openLive();
  first.socket.send(JSON.stringify({ type: 'subscribe', topic: 'events' }));
  await berth.client.changeEnv('b', { set: { STEP: '1' } });
  await eventually(() => assert.ok(first.messages.some((message) => message.type === 'events' && message.events.some((event) => event.message.includes('set STEP'))), 'the env event reached the socket'));
  const cursor = (first.messages.filter((message) => message.type === 'events').at(-1) as { cursor: number }).cursor;
  const seenBefore = first.messages.flatMap((message) => (message.type === 'events' ? message.events.map((event) => event.id) : []));
  first.socket.terminate();

  // While disconnected, things happen.
  for (let step = 2; step <= 6; step++) await berth.client.changeEnv('b', { set: { STEP: String(step) } });

  const second = await openLive();
  second.socket.send(JSON.stringify({ type: 'subscribe', topic: 'events', after: cursor }));
  await berth.client.changeEnv('b', { set: { STEP: '7' } });
  await eventually(() => assert.ok(second.messages.some((message) => message.type === 'events' && message.events.some((event) => event.message.includes('set STEP') && event.id > cursor + 5)), 'the later events reached the second socket'));
  const seenAfter = second.messages.flatMap((message) => (message.type === 'events' ? message.events.map((event) => event.id) : []));
  const all = [...seenBefore, ...seenAfter];
  assert.equal(new Set(all).size, all.length, 'no event twice');
  const stored = (await berth.client.events()).map((event) => event.id).filter((id) => id >= Math.min(...all));
  assert.deepEqual(
    stored.filter((id) => id <= Math.max(...all)),
    [...all].sort((a, b) => a - b),
    'no event missed',
  );
  const steps = second.messages.flatMap((message) => (message.type === 'events' ? message.events : [])).filter((event) => event.type === 'env.changed');
  assert.deepEqual(
    steps.map((event) => event.message.match(/STEP/) && event.message),
    ['2', '3', '4', '5', '6', '7'].map(() => 'env of slot b: set STEP'),
  );

  second.socket.send('not json');
  second.socket.send(JSON.stringify({ type: 'subscribe', topic: 'logs', slot: 'nope' }));
  await eventually(() => assert.equal(second.messages.filter((message) => message.type === 'error').length, 2));
  const errors = second.messages.filter((message) => message.type === 'error') as Array<{ code: string }>;
  assert.deepEqual(
    errors.map((error) => error.code),
    ['ERR_BAD_REQUEST', 'ERR_SLOT_UNKNOWN'],
  );
  second.socket.close();
});

test('a live client that stops reading is disconnected (4008) instead of growing the daemon memory', async () => {
  const live = await openLive();
  live.socket.send(JSON.stringify({ type: 'subscribe', topic: 'logs', slot: 'b', tail: 0 }));
  await eventually(() => assert.ok(live.messages.some((message) => message.type === 'logs'), JSON.stringify(live.messages).slice(0, 500)));
  // Stop reading from the socket, as a frozen browser tab would.
  (live.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  await berth.client.changeEnv('b', { set: { FLOOD_LINES: '150000' } });
  await berth.client.deploy('b', fixture('log-flood'));
  await eventually(async () => assert.match((await berth.client.logs('b', { tail: 1 })).lines[0]?.text ?? '', /flood done/), { timeoutMs: 60_000 });
  (live.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  assert.equal(await live.closed, 4008);
  const received = live.messages.flatMap((message) => (message.type === 'logs' ? message.lines : []));
  assert.ok(received.length < 150_000, `the daemon stopped sending (${received.length} lines were queued)`);
});

test('a daemon with a live client open still stops at once; the client is told why', async () => {
  const other = await startTestDaemon();
  try {
    const otherCookie = await signIn(other, other.info.login!.code);
    const socket = new WebSocket(`${other.info.apiUrl.replace('http', 'ws')}/api/v1/live`, { headers: { cookie: otherCookie, origin: sameOrigin(other) } });
    await new Promise((resolve, reject) => socket.on('open', resolve).on('error', reject));
    socket.send(JSON.stringify({ type: 'subscribe', topic: 'slots' }));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    // Not a timing check: without the fix, close() never returns (a deadlock); 30 s only turns a hang into a failure.
    const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000).unref());
    assert.notEqual(await Promise.race([other.close(), hung]), 'hung', 'the daemon did not stop while a live socket was open');
    assert.equal(await closed, 1001);
  } finally {
    await other.close().catch(() => undefined);
  }
});

test('a pasted .env is imported whole or not at all; clearing a slot empties it and keeps its history', async () => {
  const before = await berth.client.env('a');
  const bad = await call(berth, '/api/v1/slots/a/env/import', { method: 'POST', body: { text: 'GOOD=1\nnot an assignment\n' }, cookie, origin: sameOrigin(berth) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, 'ERR_ENV_INVALID');
  assert.match(bad.json.message, /line 2/);
  assert.deepEqual(await berth.client.env('a'), before, 'nothing changed');
  const imported = await call(berth, '/api/v1/slots/a/env/import', { method: 'POST', body: { text: '# from a .env\nFEATURE=on\nWEBHOOK="whsec abc"\n', secret: true }, cookie, origin: sameOrigin(berth) });
  assert.equal(imported.status, 200, imported.text);
  assert.ok(imported.json.secrets.includes('FEATURE') && imported.json.secrets.includes('WEBHOOK'), 'marked secret on import');
  assert.ok(imported.json.deployment, 'the live app rolled out with them');

  const releasesDir = `${berth.home}/slots/a/releases`;
  const wrongConfirm = await call(berth, '/api/v1/slots/a/clear', { method: 'POST', body: { confirm: 'b' }, cookie, origin: sameOrigin(berth) });
  assert.equal(wrongConfirm.status, 400);
  const cleared = await call(berth, '/api/v1/slots/a/clear', { method: 'POST', body: { confirm: 'a' }, cookie, origin: sameOrigin(berth) });
  assert.equal(cleared.status, 200, cleared.text);
  const status = await berth.client.slot('a');
  assert.equal(status.summary, 'empty');
  assert.equal(status.release, null);
  assert.deepEqual((await berth.client.env('a')).env, {});
  assert.deepEqual((await berth.client.releases('a')).releases, []);
  assert.deepEqual((await import('node:fs')).readdirSync(releasesDir), [], 'release folders removed');
  assert.doesNotMatch((await request(`${berth.slotUrl('a')}/`)).body, /^ok/, 'the app no longer answers');
  assert.ok((await berth.client.deployments('a')).length > 0, 'the deployment history stays');
  const events = await berth.client.events('a');
  assert.equal(events.find((event) => event.type === 'slot.cleared')?.actor, 'ui');
});
