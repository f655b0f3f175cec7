// Property-based fuzzing of the public hooks listener (fast-check): thousands of random paths, headers and bodies —
// random bytes, random JSON, real payload shapes with wrong or missing signatures. Whatever arrives: never a 5xx,
// the daemon keeps answering, and no deployment is started by a request that was not signed with the secret.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createTestRepo, serverSource } from '../helpers/git-repos.js';
import { githubPush, giteaPush, gitlabPush, hmacHex, postHook } from '../helpers/hook-sender.js';
import { request } from '../helpers/http.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
let repoUrl: string;
let sha: string;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }], config: { hooks: { maxBodyBytes: 64 * 1024, perMinute: 1_000_000, failuresPerMinute: 1_000_000 } } as never });
  const repo = createTestRepo({ 'package.json': JSON.stringify({ name: 'fuzzed', main: 'server.js' }), 'server.js': serverSource('v1') });
  repoUrl = repo.url;
  sha = repo.commit({}, 'tip');
  await berth.client.updateSettings('a', { repo: repo.url, branch: 'main' });
});
after(() => berth.close());

const RUNS = Number(process.env.BERTH_FUZZ_RUNS ?? 3000);

const hex = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength, maxLength });
const headerValue = fc.oneof(
  fc.string({ maxLength: 80 }).filter((value) => /^[\t\x20-\x7e]*$/.test(value)),
  fc.constantFrom('push', 'ping', 'Push Hook', 'Tag Push Hook', 'issues', ''),
  hex(0, 70).map((hex) => `sha256=${hex}`),
  hex(64, 64),
  fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8', 'multipart/form-data; boundary=x', ';;;'),
);
const headerName = fc.constantFrom(
  'content-type',
  'x-github-event',
  'x-github-delivery',
  'x-hub-signature-256',
  'x-hub-signature',
  'x-gitea-event',
  'x-gitea-signature',
  'x-forgejo-signature',
  'x-gitlab-event',
  'x-gitlab-token',
  'x-gitlab-event-uuid',
  'x-forwarded-for',
);
const body = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((text) => Buffer.from(text)),
  fc.string({ maxLength: 500 }).map((text) => Buffer.from(`payload=${encodeURIComponent(text)}`)),
  // Real push shapes, so the unsigned ones get as far as the signature check with everything else right.
  fc.constantFrom('github', 'gitea', 'gitlab').map((kind) => {
    const make = { github: githubPush, gitea: giteaPush, gitlab: gitlabPush }[kind];
    return Buffer.from(JSON.stringify(make(repoUrl, { after: sha })));
  }),
);
const path = fc.oneof(
  { arbitrary: fc.constantFrom('/hooks/github', '/hooks/gitea', '/hooks/gitlab'), weight: 8 },
  { arbitrary: fc.constantFrom('/health', '/hooks/', '/api/v1/slots', '/hooks/github/../../api/v1/slots'), weight: 1 },
  { arbitrary: fc.webPath(), weight: 1 },
);
const method = fc.oneof({ arbitrary: fc.constant('POST'), weight: 8 }, { arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'), weight: 2 });

test(`${RUNS} random requests: no 5xx, the daemon stays up, and nothing unsigned deploys`, async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(method, path, fc.dictionary(headerName, headerValue, { maxKeys: 6 }), body, async (verb, url, headers, payload) => {
      const response = await fetch(`${berth.hooksUrl}${url.startsWith('/') ? url : `/${url}`}`, { method: verb, headers, body: verb === 'GET' ? undefined : payload }).catch((error: Error) => error);
      if (response instanceof Error) {
        // fetch itself refuses some header values before sending: that says nothing about berth.
        assert.match(String((response as Error & { cause?: Error }).cause ?? response.message), /invalid|Header|header/i);
        return;
      }
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status < 500, `${verb} ${url} → ${response.status}`);
    }),
    { numRuns: RUNS },
  );
  assert.equal((await request(`${berth.hooksUrl}/health`)).status, 200, 'the listener still answers');
  assert.equal((await berth.client.status()).length, 1, 'the admin API still answers');
  assert.deepEqual(await berth.client.deployments('a'), [], 'no unsigned request started a deployment');
  const verified = (await berth.client.hookDeliveries({ limit: 500 })).filter((delivery) => delivery.signature === 'valid');
  assert.deepEqual(verified, [], 'no random request passed verification');
  assert.ok((statuses.get(401) ?? 0) > RUNS / 10, `many reached the signature check: ${JSON.stringify([...statuses])}`);
});

test('signed garbage (valid signature, random body) is refused with 400 or ignored, never 5xx', async () => {
  const secret = (await berth.client.revealHookSecret('a')).secret;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('github', 'gitea'), fc.constantFrom('push', 'ping', 'create'), body, async (kind, event, payload) => {
      const headers: Record<string, string> =
        kind === 'github'
          ? { 'content-type': 'application/json', 'x-github-event': event, 'x-hub-signature-256': `sha256=${hmacHex(secret, payload)}` }
          : { 'content-type': 'application/json', 'x-gitea-event': event, 'x-gitea-signature': hmacHex(secret, payload) };
      const answer = await postHook(berth.hooksUrl, `/hooks/${kind}`, payload, headers);
      assert.ok(answer.status < 500, `${answer.status} ${answer.body.reason}`);
      assert.ok(['rejected', 'ignored', 'duplicate', 'pong', 'queued'].includes(answer.body.outcome), answer.body.outcome);
    }),
    { numRuns: Math.round(RUNS / 4) },
  );
  assert.equal((await request(`${berth.hooksUrl}/health`)).status, 200);
});
