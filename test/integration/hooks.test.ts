// Push to deploy through the public hooks listener of a real daemon: GitHub's published example payloads (and
// Gitea/GitLab payloads of their documented shape) signed with the secret; a bare repository in a temp folder as
// the slots' source; real deployments. Signature failures, odd bodies, routing decisions, duplicates and bursts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/berth-process.js';
import { git, createTestRepo, serverSource, type TestRepo } from '../helpers/git-repos.js';
import { githubExample, githubPush, giteaPush, gitlabPush, hmacHex, postHook, sendGithub } from '../helpers/hook-sender.js';
import { request } from '../helpers/http.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';
import { eventually } from '../helpers/wait.js';

let berth: TestDaemon;
let repo: TestRepo;
let secret: string;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], config: { hooks: { maxBodyBytes: 256 * 1024, perMinute: 10_000, failuresPerMinute: 10_000 } } as never });
  repo = createTestRepo({ 'package.json': JSON.stringify({ name: 'hooked', main: 'server.js' }), 'server.js': serverSource('v1') });
  await berth.client.updateSettings('a', { repo: repo.url, branch: 'main' });
  secret = (await berth.client.revealHookSecret('a')).secret;
});
after(() => berth.close());

const liveCommit = async (slot: string) => (await berth.client.status()).find((entry) => entry.slot === slot)?.commit?.sha ?? null;
const settle = async (id: string) => eventually(async () => {
  const record = await berth.client.deployment(id);
  assert.ok(!['queued', 'running'].includes(record.status), `deployment ${id} is still ${record.status}`);
  return record;
}, { timeoutMs: 60_000 });

test('the hooks listener serves only webhooks and a health answer: nothing of the admin API or UI', async () => {
  assert.equal((await request(`${berth.hooksUrl}/health`)).status, 200);
  for (const url of ['/api/v1/health', '/api/v1/slots', '/', '/api/v1/openapi.json']) {
    const reply = await request(`${berth.hooksUrl}${url}`);
    assert.equal(reply.status, 404, url);
    assert.match(reply.body, /serves only POST \/hooks\/github/);
  }
  const ping = await sendGithub(berth.hooksUrl, secret, 'ping', githubExample('ping'));
  assert.equal(ping.status, 200);
  assert.equal(ping.body.outcome, 'pong');
  const form = await sendGithub(berth.hooksUrl, secret, 'ping', githubExample('ping'), { form: true });
  assert.equal(form.body.outcome, 'pong', "GitHub's default form encoding works too");
});

test('a signed push of a new commit deploys it: the release with that commit goes live', async () => {
  const sha = repo.commit({ 'server.js': serverSource('v2') }, 'v2 of the app');
  const answer = await sendGithub(berth.hooksUrl, secret, 'push', githubPush(repo.url, { after: sha, message: 'v2 of the app' }));
  assert.equal(answer.status, 202, answer.body.reason);
  assert.deepEqual([answer.body.outcome, answer.body.slots], ['queued', ['a']]);
  const done = await settle(answer.body.deployments[0]);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.equal(done.trigger, 'webhook');
  assert.equal(await liveCommit('a'), sha);
  assert.equal(JSON.parse((await request(berth.slotUrl('a'))).body).version, 'v2');
  const [logged] = await berth.client.hookDeliveries({ slot: 'a', limit: 1 });
  assert.deepEqual([logged.outcome, logged.signature, logged.commit, logged.routes[0].deployment], ['queued', 'valid', sha, done.id]);
});

test('bad signatures are refused with 401 before anything is read, and start nothing', async () => {
  const sha = repo.commit({ 'server.js': serverSource('v3') }, 'v3');
  const payload = githubPush(repo.url, { after: sha });
  const body = JSON.stringify(payload, null, 2);
  const headers = { 'content-type': 'application/json', 'x-github-event': 'push' };
  const before = (await berth.client.deployments('a')).length;
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing', {}, /missing/],
    ['wrong secret', { 'x-hub-signature-256': `sha256=${hmacHex('not the secret', body)}` }, /invalid/],
    ['sha1 only', { 'x-hub-signature': `sha1=${'ab'.repeat(20)}` }, /wrong-algorithm/],
    ['md5 named', { 'x-hub-signature-256': `md5=${hmacHex(secret, body)}` }, /wrong-algorithm/],
    ['not hex', { 'x-hub-signature-256': 'sha256=zz' }, /malformed/],
    ['truncated', { 'x-hub-signature-256': `sha256=${hmacHex(secret, body).slice(0, 40)}` }, /invalid/],
    // Signed over the same JSON re-serialised (compact), sent pretty-printed: the raw bytes differ, so it must fail.
    ['re-serialised JSON', { 'x-hub-signature-256': `sha256=${hmacHex(secret, JSON.stringify(JSON.parse(body)))}` }, /invalid/],
  ];
  for (const [what, signature, verdict] of cases) {
    const answer = await postHook(berth.hooksUrl, '/hooks/github', body, { ...headers, 'x-github-delivery': randomUUID(), ...signature });
    assert.equal(answer.status, 401, what);
    assert.equal(answer.body.outcome, 'rejected', what);
    assert.match(answer.body.reason, verdict, what);
  }
  // Secrets are never taken from the URL.
  const inUrl = await postHook(berth.hooksUrl, `/hooks/github?secret=${encodeURIComponent(secret)}`, body, { ...headers, 'x-github-delivery': randomUUID() });
  assert.equal(inUrl.status, 401);
  assert.equal((await berth.client.deployments('a')).length, before, 'no deployment was started');
  const rejected = await berth.client.hookDeliveries({ limit: cases.length + 1 });
  assert.ok(rejected.every((delivery) => delivery.outcome === 'rejected' && delivery.signature !== 'valid'), 'each is in the log as rejected');
});

test('odd bodies: oversize → 413, malformed JSON → 400, a form without payload → 400, an unknown content type → 400', async () => {
  const big = Buffer.alloc(300 * 1024, 'a');
  const oversize = await postHook(berth.hooksUrl, '/hooks/github', big, { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmacHex(secret, big)}` });
  assert.equal(oversize.status, 413);
  assert.match(oversize.body.reason, /larger than 262144 bytes/);
  const signed = (body: string, type: string) =>
    postHook(berth.hooksUrl, '/hooks/github', body, { 'content-type': type, 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmacHex(secret, body)}` });
  const malformed = await signed('{"ref": "refs/heads/main", ', 'application/json');
  assert.deepEqual([malformed.status, malformed.body.outcome], [400, 'rejected']);
  assert.match(malformed.body.reason, /not valid JSON/);
  assert.match((await signed('other=1', 'application/x-www-form-urlencoded')).body.reason, /payload field/);
  assert.equal((await signed('{}', 'text/plain')).status, 400);
  const notAPush = await signed(JSON.stringify({ ref: 'refs/heads/main' }), 'application/json');
  assert.equal(notAPush.status, 400);
  assert.match(notAPush.body.reason, /not a GitHub push payload: after/);
});

test('pushes berth lets pass, each with its reason: other events, deletions, other branches, tags, [skip ci], auto-deploy off, other repositories', async () => {
  const sha = git(repo.workDir, ['rev-parse', 'HEAD']);
  const expectIgnored = async (event: string, payload: unknown, reason: RegExp) => {
    const answer = await sendGithub(berth.hooksUrl, secret, event, payload);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.outcome, 'ignored', `${event}: ${answer.body.reason}`);
    assert.match(answer.body.reason, reason);
  };
  const before = (await berth.client.deployments('a')).length;
  await expectIgnored('issues', githubExample('issues'), /deploys on push events, not "issues"/);
  await expectIgnored('release', githubExample('release'), /not "release"/);
  await expectIgnored('push', githubPush(repo.url, { after: sha, deleted: true }), /deletes refs\/heads\/main/);
  await expectIgnored('push', githubPush(repo.url, { after: sha, branch: 'feature' }), /a: follows main, not feature/);
  await expectIgnored('push', githubPush(repo.url, { after: sha, ref: 'refs/tags/v1.0.0' }), /tag v1\.0\.0, and the slot does not deploy tags/);
  await expectIgnored('push', githubPush(repo.url, { after: sha, message: 'docs only [skip ci]' }), /head commit says \[skip ci\]/);
  await expectIgnored('push', githubPush(repo.url, { after: sha, message: 'wip [skip deploy]' }), /\[skip deploy\]/);
  await expectIgnored('push', githubExample('push', (example) => example.ref === 'refs/heads/master'), /no slot tracks Codertocat\/Hello-World/);
  await berth.client.updateSettings('a', { autoDeploy: false });
  await expectIgnored('push', githubPush(repo.url, { after: sha }), /auto-deploy is off/);
  await berth.client.updateSettings('a', { autoDeploy: true });
  assert.equal((await berth.client.deployments('a')).length, before);
});

test('exactly once: a redelivery (same delivery id) and a replay (same signed body, new id) start nothing', async () => {
  const sha = repo.commit({ 'server.js': serverSource('v4') }, 'v4');
  const payload = githubPush(repo.url, { after: sha });
  const delivery = randomUUID();
  const first = await sendGithub(berth.hooksUrl, secret, 'push', payload, { delivery });
  assert.equal(first.body.outcome, 'queued');
  const again = await sendGithub(berth.hooksUrl, secret, 'push', payload, { delivery });
  assert.deepEqual([again.status, again.body.outcome], [202, 'duplicate']);
  assert.match(again.body.reason, new RegExp(`already handled as delivery ${first.body.delivery}`));
  const replay = await sendGithub(berth.hooksUrl, secret, 'push', payload);
  assert.equal(replay.body.outcome, 'duplicate');
  await settle(first.body.deployments[0]);
  assert.equal((await berth.client.deployments('a')).filter((entry) => entry.commit?.sha === sha).length, 1);
});

test('a burst of 50 pushes builds at most 2 deployments, the last one of the newest commit', async () => {
  await berth.client.updateSettings('b', { repo: repo.url.replace('file://', ''), branch: 'burst' });
  git(repo.workDir, ['checkout', '-q', '-b', 'burst']);
  // Each build takes a second or so (a build script that waits), as real builds do: the burst arrives meanwhile.
  fs.writeFileSync(path.join(repo.workDir, 'package.json'), JSON.stringify({ name: 'hooked', main: 'server.js', scripts: { build: 'node -e "setTimeout(() => {}, 1000)"' } }));
  git(repo.workDir, ['add', '-A']);
  const shas: string[] = [];
  for (let index = 0; index < 50; index++) {
    git(repo.workDir, ['commit', '-q', '--allow-empty', '-m', `burst ${index}`]);
    shas.push(git(repo.workDir, ['rev-parse', 'HEAD']));
  }
  git(repo.workDir, ['push', '-q', repo.bareDir, 'HEAD:refs/heads/burst']);
  git(repo.workDir, ['checkout', '-q', 'main']);
  for (const sha of shas) {
    const answer = await sendGithub(berth.hooksUrl, secret, 'push', githubPush(repo.url, { after: sha, branch: 'burst' }));
    assert.deepEqual(answer.body.slots, ['b'], answer.body.reason);
  }
  const events = (await berth.client.events('b')).map((event) => event.type);
  assert.ok(events.filter((type) => type === 'deploy.coalesced').length >= 48, 'later pushes took the waiting deployment’s place');
  const deployments = await berth.client.deployments('b');
  assert.ok(deployments.length <= 2, `${deployments.length} deployments`);
  const newest = deployments.map((entry) => entry.id).sort().at(-1)!;
  const done = await settle(newest);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  await eventually(async () => assert.equal(await liveCommit('b'), shas.at(-1)));
});

test('Gitea/Forgejo (hex HMAC) and GitLab (token) pushes are verified and routed the same way', async () => {
  await berth.client.updateSettings('c', { repo: repo.url, branch: 'main' });
  const sha = repo.commit({ 'server.js': serverSource('v5') }, 'v5');
  const gitea = JSON.stringify(giteaPush(repo.url, { after: sha }));
  const signedGitea = await postHook(berth.hooksUrl, '/hooks/gitea', gitea, { 'content-type': 'application/json', 'x-gitea-event': 'push', 'x-gitea-delivery': randomUUID(), 'x-gitea-signature': hmacHex(secret, gitea) });
  assert.deepEqual([signedGitea.status, signedGitea.body.slots], [202, ['a', 'c']], signedGitea.body.reason);
  const forgejo = JSON.stringify(giteaPush(repo.url, { after: sha, branch: 'feature' }));
  const wrong = await postHook(berth.hooksUrl, '/hooks/gitea', forgejo, { 'content-type': 'application/json', 'x-forgejo-event': 'push', 'x-forgejo-signature': hmacHex('wrong', forgejo) });
  assert.equal(wrong.status, 401);
  const gitlab = JSON.stringify(gitlabPush(repo.url, { after: sha, message: 'nothing [skip ci]' }));
  const skipped = await postHook(berth.hooksUrl, '/hooks/gitlab', gitlab, { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': randomUUID(), 'x-gitlab-token': secret });
  assert.deepEqual([skipped.status, skipped.body.outcome], [202, 'ignored']);
  const badToken = await postHook(berth.hooksUrl, '/hooks/gitlab', gitlab, { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': `${secret}x` });
  assert.equal(badToken.status, 401);
  for (const id of signedGitea.body.deployments) assert.equal((await settle(id)).status, 'succeeded');
  assert.equal(await liveCommit('c'), sha);
});

test("a slot's own secret reaches only that slot; the delivery log and redeliver work from the CLI", async () => {
  const own = (await berth.client.newSlotHookSecret('c')).secret;
  assert.equal((await berth.client.slotHooks('c')).secretScope, 'slot');
  const sha = repo.commit({ 'server.js': serverSource('v6') }, 'v6');
  const answer = await sendGithub(berth.hooksUrl, own, 'push', githubPush(repo.url, { after: sha }));
  assert.deepEqual(answer.body.slots, ['c'], 'a tracks the same branch, but the secret is c’s');
  await settle(answer.body.deployments[0]);

  const info = await runCli(berth.home, ['hooks', 'info', 'c']);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, new RegExp(`http://localhost:${berth.config.hooks.port}/hooks/github`));
  assert.match(info.stdout, /application\/json/);
  assert.doesNotMatch(info.stdout, new RegExp(own), 'the secret is shown only with --reveal');
  const log = await runCli(berth.home, ['hooks', 'log', 'c']);
  assert.match(log.stdout, new RegExp(`${answer.body.delivery}\\s.*github\\s.*push.*queued`));
  const redelivered = await runCli(berth.home, ['hooks', 'redeliver', String(answer.body.delivery)]);
  assert.equal(redelivered.code, 0, redelivered.stderr);
  assert.match(redelivered.stdout, /queued for slots c/);
  await berth.client.removeSlotHookSecret('c');
  const refused = await runCli(berth.home, ['hooks', 'redeliver', '999999']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /no webhook delivery 999999/);
});

test('too many requests, or too many failed verifications, from one address get 429 with Retry-After', async () => {
  // Few failures allowed, many requests: the failures trip the limit. Then the reverse: plain requests trip it.
  const small = await startTestDaemon({ slots: [{ name: 'a' }], config: { hooks: { failuresPerMinute: 3, perMinute: 100 } } as never });
  const busy = await startTestDaemon({ slots: [{ name: 'a' }], config: { hooks: { failuresPerMinute: 100, perMinute: 3 } } as never });
  try {
    const statuses: number[] = [];
    for (let index = 0; index < 5; index++) statuses.push((await postHook(small.hooksUrl, '/hooks/github', '{}', { 'content-type': 'application/json', 'x-github-event': 'push' })).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const healthChecks: number[] = [];
    for (let index = 0; index < 4; index++) healthChecks.push((await request(`${busy.hooksUrl}/health`)).status);
    assert.deepEqual(healthChecks, [200, 200, 200, 429], 'perMinute counts every request, good or bad');
    const limited = await postHook(small.hooksUrl, '/hooks/github', '{}', {});
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(fs.existsSync(path.join(small.home, 'secrets', 'webhook-secret')), true);
  } finally {
    await small.close();
    await busy.close();
  }
});
