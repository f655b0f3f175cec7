// Repository identities, signature checks and routing decisions of push to deploy, as pure functions.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { routePush, type SlotTracking } from '../../src/hooks/routing.js';
import { repoIdentity } from '../../src/hooks/repo-identity.js';
import { verifyGitea, verifyGithub, verifyGitlab, type HookSecret } from '../../src/hooks/signatures.js';

test('every way of writing a repository address names one repository', () => {
  const same = [
    'https://github.com/Owner/Repo.git',
    'https://github.com/owner/repo',
    'https://github.com/owner/repo/',
    'http://GitHub.com/owner/repo.git',
    'git@github.com:Owner/Repo.git',
    'git@github.com:owner/repo',
    'ssh://git@github.com/owner/repo.git',
    'ssh://git@github.com:22/owner/repo',
    'git://github.com/owner/repo.git',
  ];
  for (const address of same) assert.equal(repoIdentity(address), 'github.com/owner/repo', address);
  assert.equal(repoIdentity('/srv/git/app.git'), 'file:/srv/git/app');
  assert.equal(repoIdentity('file:///srv/git/app.git'), 'file:/srv/git/app');
  assert.notEqual(repoIdentity('https://gitlab.com/owner/repo'), repoIdentity('https://github.com/owner/repo'));
  assert.notEqual(repoIdentity('https://github.com/owner/repo-two'), repoIdentity('https://github.com/owner/repo'));
  for (const nonsense of ['', 'not a url', 'ftp://host/x', 'https://', 'x'.repeat(3000)]) assert.equal(repoIdentity(nonsense), null, nonsense);
});

const secrets: HookSecret[] = [
  { value: 'workspace-secret', scope: { kind: 'workspace' } },
  { value: 'slot-b-secret', scope: { kind: 'slot', slot: 'b' } },
];
const hex = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

test('signatures: the matching secret is found; anything else is refused with its reason', () => {
  const body = Buffer.from('{"zen":"Keep it logically awesome."}');
  assert.deepEqual(verifyGithub(body, `sha256=${hex('slot-b-secret', body)}`, undefined, secrets).secret?.scope, { kind: 'slot', slot: 'b' });
  assert.equal(verifyGithub(body, `sha256=${hex('workspace-secret', body).toUpperCase()}`, undefined, secrets).verdict, 'valid');
  assert.equal(verifyGithub(body, undefined, undefined, secrets).verdict, 'missing');
  assert.equal(verifyGithub(body, undefined, 'sha1=abc', secrets).verdict, 'wrong-algorithm');
  assert.equal(verifyGithub(body, `sha512=${'ab'.repeat(64)}`, undefined, secrets).verdict, 'wrong-algorithm');
  assert.equal(verifyGithub(body, 'sha256 abc', undefined, secrets).verdict, 'malformed');
  assert.equal(verifyGithub(Buffer.concat([body, Buffer.from(' ')]), `sha256=${hex('workspace-secret', body)}`, undefined, secrets).verdict, 'invalid');
  assert.equal(verifyGitea(body, hex('workspace-secret', body), secrets).verdict, 'valid');
  assert.equal(verifyGitea(body, `sha256=${hex('workspace-secret', body)}`, secrets).verdict, 'malformed');
  assert.equal(verifyGitlab('slot-b-secret', secrets).verdict, 'valid');
  assert.equal(verifyGitlab('slot-b-secret ', secrets).verdict, 'invalid');
  assert.equal(verifyGitlab(undefined, secrets).verdict, 'missing');
});

const slots: SlotTracking[] = [
  { slot: 'a', repo: 'https://github.com/acme/shop.git', branch: 'main', autoDeploy: true, deployTags: false },
  { slot: 'b', repo: 'git@github.com:ACME/shop', branch: 'staging', autoDeploy: true, deployTags: true },
  { slot: 'c', repo: 'https://github.com/acme/shop', branch: null, autoDeploy: false, deployTags: false },
  { slot: 'd', repo: 'https://github.com/acme/blog', branch: 'main', autoDeploy: true, deployTags: false },
];
const push = (ref: string, extra: Partial<Parameters<typeof routePush>[0]> = {}) => ({
  repoAddresses: ['https://github.com/acme/shop.git', 'git@github.com:acme/shop.git'],
  repoName: 'acme/shop',
  ref,
  after: 'a'.repeat(40),
  deleted: false,
  headMessage: 'change',
  ...extra,
});

test('routing: the repository, the branch, tags, auto-deploy, the secret’s scope, skips and deletions', () => {
  assert.deepEqual(routePush(push('refs/heads/main'), slots, null).targets, ['a']);
  const main = routePush(push('refs/heads/main'), slots, null);
  assert.deepEqual(main.notes.find((note) => note.slot === 'c')?.note, 'ignored: auto-deploy is off');
  assert.deepEqual(routePush(push('refs/heads/staging'), slots, null).targets, ['b']);
  assert.deepEqual(routePush(push('refs/tags/v2'), slots, null).targets, ['b']);
  assert.deepEqual(routePush(push('refs/heads/main'), slots, 'b').targets, [], 'a slot secret reaches only its slot');
  assert.match(routePush(push('refs/heads/main'), slots, 'd').reason, /slot d \(whose secret signed this\) does not track acme\/shop/);
  assert.match(routePush(push('refs/heads/main', { deleted: true }), slots, null).reason, /deletes refs\/heads\/main/);
  assert.match(routePush(push('refs/heads/main', { headMessage: 'Fix typo\n\n[Skip CI]' }), slots, null).reason, /\[skip ci\]/);
  assert.match(routePush(push('refs/pull/1/head'), slots, null).reason, /neither a branch nor a tag/);
  assert.match(routePush(push('refs/heads/other'), slots, null).reason, /no slot deploys branch other of acme\/shop \(a: follows main, not other; b: follows staging/);
  assert.match(routePush(push('refs/heads/main', { repoAddresses: ['https://github.com/acme/unknown'], repoName: 'acme/unknown' }), slots, null).reason, /no slot tracks acme\/unknown/);
});
