// The admin API's safety: every route needs credentials, state changes need the admin's own origin, sign-in is
// single-use and rate-limited, tokens are scoped and revocable, validation errors name the field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { call, sameOrigin, signIn } from '../helpers/api-calls.js';
import { runCli } from '../helpers/berth-process.js';
import { fixture } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
let cookie: string;
before(async () => {
  berth = await startTestDaemon();
  assert.ok(berth.info.login, 'a first start makes a one-time login code');
  cookie = await signIn(berth, berth.info.login.code);
});
after(() => berth.close());

/** The only routes anyone may call: the health check, the sign-in, and the UI's static shell (no data). */
// A slot's health (its state only) is public for Coder's app healthcheck, which carries no credentials.
const PUBLIC = new Set(['GET /api/v1/health', 'HEAD /api/v1/health', 'GET /api/v1/slots/:slot/health', 'HEAD /api/v1/slots/:slot/health', 'POST /api/v1/auth/login', 'GET /*', 'HEAD /*']);

test('every route fastify knows, except the public few, answers 401 without credentials', async () => {
  const routes = berth.daemon.routes();
  assert.ok(routes.length > 40, `routes listed from the fastify instance (${routes.length})`);
  const unexpectedPublic = routes.filter((route) => route.access === 'public' && !PUBLIC.has(`${route.method} ${route.url}`));
  assert.deepEqual(unexpectedPublic, [], 'no route was made public without this test knowing');
  let checked = 0;
  for (const route of routes) {
    if (PUBLIC.has(`${route.method} ${route.url}`)) continue;
    const path = route.url.replace(':slot', 'a').replace(':id', 'x1');
    const answer = await call(berth, path, { method: route.method, body: ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined });
    assert.equal(answer.status, 401, `${route.method} ${route.url} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    if (route.method !== 'HEAD') assert.equal(answer.json.code, 'ERR_AUTH_REQUIRED', `${route.method} ${route.url}`);
    checked++;
  }
  assert.ok(checked > 40);
  // A wrong token, an API-looking token and a forged cookie are no better than nothing.
  const forged: Array<Record<string, string>> = [{ authorization: 'Bearer nope' }, { authorization: 'Bearer berth_forged' }, { cookie: 'berth_session=forged' }];
  for (const headers of forged) {
    assert.equal((await call(berth, '/api/v1/slots', { headers })).status, 401);
  }
});

test('the live WebSocket refuses an upgrade without credentials, and from another origin', async () => {
  const url = `${berth.info.apiUrl.replace('http', 'ws')}/api/v1/live`;
  const statusOf = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(url, { headers });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('error', () => undefined);
    });
  assert.equal(await statusOf({}), 401);
  assert.equal(await statusOf({ cookie, origin: 'https://evil.example' }), 403);
  assert.equal(await statusOf({ cookie, origin: sameOrigin(berth) }), 101);
});

test('the session cookie is HttpOnly and SameSite=Strict, Secure behind an https proxy; a login code works once', async () => {
  const code = (await berth.client.loginCode()).code;
  const plain = await call(berth, '/api/v1/auth/login', { method: 'POST', body: { secret: code }, origin: sameOrigin(berth) });
  assert.equal(plain.status, 200);
  const setCookie = plain.headers.get('set-cookie')!;
  assert.match(setCookie, /^berth_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  const again = await call(berth, '/api/v1/auth/login', { method: 'POST', body: { secret: code }, origin: sameOrigin(berth) });
  assert.equal(again.status, 401, 'the code was used up');
  assert.equal(again.json.code, 'ERR_LOGIN_FAILED');

  const proxied = await call(berth, '/api/v1/auth/login', {
    method: 'POST',
    body: { secret: (await berth.client.loginCode()).code.toLowerCase().replace(/-/g, ' ') },
    headers: { 'x-forwarded-proto': 'https' },
    origin: sameOrigin(berth),
  });
  assert.equal(proxied.status, 200, 'codes are read without case or separators');
  assert.match(proxied.headers.get('set-cookie')!, /; Secure$/);
  const session = await call(berth, '/api/v1/auth/session', { cookie });
  assert.deepEqual(session.json, { kind: 'session', actor: 'ui', role: 'admin', slots: null, passwordSet: false });
});

test('state changes from another origin are refused (CSRF), also with a valid session', async () => {
  const body = { set: { FROM: 'evil' } };
  const evil = await call(berth, '/api/v1/slots/a/env', { method: 'PATCH', body, cookie, origin: 'https://evil.example' });
  assert.equal(evil.status, 403);
  assert.equal(evil.json.code, 'ERR_CROSS_ORIGIN');
  assert.equal((await call(berth, '/api/v1/slots/a/env', { method: 'PATCH', body, cookie })).status, 403, 'a cookie without an Origin');
  assert.equal((await call(berth, '/api/v1/slots/a/env', { method: 'PATCH', body, cookie, headers: { origin: sameOrigin(berth), 'sec-fetch-site': 'cross-site' } })).status, 403);
  assert.equal((await berth.client.env('a')).env.FROM, undefined, 'nothing changed');
  const same = await call(berth, '/api/v1/slots/a/env', { method: 'PATCH', body: { set: { FROM: 'ui' } }, cookie, origin: sameOrigin(berth) });
  assert.equal(same.status, 200, same.text);
  const events = await berth.client.events('a');
  assert.equal(events.find((event) => event.type === 'env.changed')?.actor, 'ui', 'the audit trail says who');
});

test('schema validation errors are 400 with the field path, never a stack trace', async () => {
  const bad = await call(berth, '/api/v1/slots/a/settings', { method: 'PATCH', body: { branch: 5, nonsense: true }, cookie, origin: sameOrigin(berth) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, 'ERR_BAD_REQUEST');
  assert.ok(bad.json.details.fields.includes('branch'), bad.text);
  assert.ok(bad.json.remedy);
  const empty = await call(berth, '/api/v1/slots/a/settings', { method: 'PATCH', cookie, origin: sameOrigin(berth), headers: { 'content-type': 'application/json' } });
  assert.equal(empty.status, 400, 'a JSON request with no body');
  assert.equal(empty.json.code, 'ERR_BAD_REQUEST');
  const notJson = await fetch(`${berth.info.apiUrl}/api/v1/slots/a/env`, { method: 'PATCH', headers: { cookie, origin: sameOrigin(berth), 'content-type': 'application/json' }, body: '{"set":' });
  assert.equal(notJson.status, 400);
  assert.doesNotMatch(await notJson.text(), /at \w+ \(|node_modules/);
});

test('sign-in attempts are rate-limited per address', async () => {
  const attempt = () => call(berth, '/api/v1/auth/login', { method: 'POST', body: { secret: 'wrong password' }, origin: sameOrigin(berth), headers: { 'x-forwarded-for': '203.0.113.9' } });
  for (let i = 0; i < 10; i++) assert.equal((await attempt()).status, 401);
  const limited = await attempt();
  assert.equal(limited.status, 429);
  assert.equal(limited.json.code, 'ERR_LOGIN_RATE_LIMITED');
  assert.ok(limited.json.details.retryAfterSeconds > 0);
  assert.equal((await call(berth, '/api/v1/auth/login', { method: 'POST', body: { secret: 'wrong' }, origin: sameOrigin(berth) })).status, 401, 'another address is not limited');
});

test('a scoped token deploys its slot only; it is listed without its value, and revoked at once', async () => {
  const created = await berth.client.createToken({ name: 'ci-a', role: 'deploy', slots: ['a'] });
  assert.match(created.token, /^berth_[\w-]{40,}$/);
  const token = created.token;
  const deploy = await call(berth, '/api/v1/slots/a/deploy', { method: 'POST', body: { path: fixture('echo') }, token });
  assert.equal(deploy.status, 202, deploy.text);
  assert.equal(deploy.json.deployment.actor, 'token:ci-a');
  assert.equal(deploy.json.deployment.trigger, 'api');
  assert.equal((await call(berth, '/api/v1/slots/b/deploy', { method: 'POST', body: { path: fixture('echo') }, token })).json.code, 'ERR_FORBIDDEN');
  assert.equal((await call(berth, '/api/v1/slots/a/env', { method: 'PATCH', body: { set: { X: '1' } }, token })).status, 403, 'deploy does not include manage');
  assert.equal((await call(berth, '/api/v1/tokens', { token })).status, 403);
  const slots = await call(berth, '/api/v1/slots', { token });
  assert.deepEqual(slots.json.slots.map((slot: { slot: string }) => slot.slot), ['a'], 'it sees only its slot');
  assert.equal((await call(berth, '/api/v1/auth/login-codes', { method: 'POST', token })).status, 403);

  const listed = await call(berth, '/api/v1/tokens', { cookie });
  assert.equal(listed.json.tokens[0].name, 'ci-a');
  assert.ok(listed.json.tokens[0].lastUsedAt > 0);
  assert.doesNotMatch(listed.text, new RegExp(token));
  const revoked = await call(berth, `/api/v1/tokens/${listed.json.tokens[0].id}`, { method: 'DELETE', cookie, origin: sameOrigin(berth) });
  assert.equal(revoked.status, 200);
  assert.equal((await call(berth, '/api/v1/slots', { token })).status, 401);
});

test('the password signs in; setting it again signs other sessions out; `berth admin reset-password` sets it', async () => {
  const weak = await call(berth, '/api/v1/auth/password', { method: 'PUT', body: { password: 'short' }, cookie, origin: sameOrigin(berth) });
  assert.equal(weak.json.code, 'ERR_PASSWORD_WEAK');
  const other = await signIn(berth, (await berth.client.loginCode()).code);
  const set = await call(berth, '/api/v1/auth/password', { method: 'PUT', body: { password: 'correct horse battery' }, cookie, origin: sameOrigin(berth) });
  assert.equal(set.status, 200);
  const fresh = set.headers.get('set-cookie')!.split(';')[0];
  assert.equal((await call(berth, '/api/v1/slots', { cookie: other })).status, 401, 'the other session ended');
  assert.equal((await call(berth, '/api/v1/slots', { cookie: fresh })).status, 200, 'the browser that set it stays in');
  const byPassword = await signIn(berth, 'correct horse battery');
  assert.equal((await call(berth, '/api/v1/auth/session', { cookie: byPassword })).json.passwordSet, true);

  const reset = await runCli(berth.home, ['admin', 'reset-password'], 'a new password from the terminal\n');
  assert.equal(reset.code, 0, reset.stderr);
  assert.equal((await call(berth, '/api/v1/slots', { cookie: byPassword })).status, 401, 'a reset signs every browser out');
  cookie = await signIn(berth, 'a new password from the terminal');
  const code = await runCli(berth.home, ['admin', 'login-code']);
  assert.match(code.stdout, /login code: [A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/);
  await signIn(berth, code.stdout.match(/[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/)![0]);
});

test('tokens from the command line: created (printed once), listed, revoked', async () => {
  const created = await runCli(berth.home, ['token', 'create', 'deployer', '--role', 'deploy', '--slot', 'b']);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  assert.equal((await call(berth, '/api/v1/slots/b', { token })).status, 200);
  const listed = await runCli(berth.home, ['token', 'list']);
  assert.match(listed.stdout, /deployer\s+deploy\s+b\s+cli\s/);
  assert.doesNotMatch(listed.stdout, new RegExp(token));
  assert.equal((await runCli(berth.home, ['token', 'create', 'x', '--role', 'god'])).code, 1);
  assert.equal((await runCli(berth.home, ['token', 'revoke', 'deployer'])).code, 0);
  assert.equal((await call(berth, '/api/v1/slots/b', { token })).status, 401);
});

test('the OpenAPI document lists every API route with its schemas, and is behind auth', async () => {
  assert.equal((await call(berth, '/api/v1/openapi.json')).status, 401);
  const doc = (await call(berth, '/api/v1/openapi.json', { cookie })).json;
  assert.equal(doc.openapi, '3.1.0');
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${path}`)));
  const apiRoutes = berth.daemon
    .routes()
    .filter((route) => route.url.startsWith('/api/v1/') && route.method !== 'HEAD' && !['/api/v1/openapi.json', '/api/v1/live'].includes(route.url))
    .map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
  assert.deepEqual(apiRoutes.filter((route) => !documented.has(route)), []);
  const patchEnv = doc.paths['/api/v1/slots/{slot}/env'].patch;
  assert.ok(patchEnv.requestBody.content['application/json'].schema.properties.set);
  assert.equal(patchEnv['x-berth-access'], 'manage');
});
