// Sends webhook deliveries the way GitHub, Gitea/Forgejo and GitLab do: the published GitHub example payloads
// (@octokit/webhooks-examples) adjusted to a test repository, and Gitea/GitLab payloads of their documented shape,
// signed in the test with the secret.
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<Record<string, any>> }>;

/** A published GitHub example payload of an event (a deep copy, to adjust). */
export function githubExample(event: string, pick: (example: Record<string, any>) => boolean = () => true): Record<string, any> {
  const found = examples.find((entry) => entry.name === event)?.examples.find(pick);
  if (!found) throw new Error(`no GitHub example for ${event}`);
  return structuredClone(found);
}

/** GitHub's push example, pointed at a test repository, branch and commit. */
export function githubPush(repoUrl: string, options: { branch?: string; ref?: string; after: string; message?: string; deleted?: boolean }): Record<string, any> {
  const push = githubExample('push', (example) => example.ref === 'refs/heads/master' && !example.deleted);
  push.ref = options.ref ?? `refs/heads/${options.branch ?? 'main'}`;
  push.after = options.deleted ? '0'.repeat(40) : options.after;
  push.deleted = options.deleted === true;
  push.head_commit = options.deleted ? null : { ...push.head_commit, id: options.after, message: options.message ?? 'a change' };
  push.repository.clone_url = repoUrl;
  return push;
}

/** A Gitea/Forgejo push, in the shape their docs give. */
export function giteaPush(repoUrl: string, options: { branch?: string; after: string; message?: string }): Record<string, any> {
  const commit = { id: options.after, message: `${options.message ?? 'a change'}\n`, url: 'https://gitea.example/owner/repo/commit/x', author: { name: 'a', email: 'a@example.invalid', username: 'a' } };
  return {
    ref: `refs/heads/${options.branch ?? 'main'}`,
    before: '0'.repeat(39) + '1',
    after: options.after,
    compare_url: 'https://gitea.example/owner/repo/compare/x...y',
    commits: [commit],
    head_commit: commit,
    repository: { id: 1, name: 'repo', full_name: 'owner/repo', html_url: 'https://gitea.example/owner/repo', clone_url: repoUrl, ssh_url: 'git@gitea.example:owner/repo.git', private: false },
    pusher: { login: 'a' },
    sender: { login: 'a' },
  };
}

/** A GitLab push hook body, in the shape its docs give. */
export function gitlabPush(repoUrl: string, options: { branch?: string; after: string; message?: string }): Record<string, any> {
  return {
    object_kind: 'push',
    event_name: 'push',
    before: '0'.repeat(39) + '1',
    after: options.after,
    ref: `refs/heads/${options.branch ?? 'main'}`,
    checkout_sha: options.after,
    user_username: 'a',
    project_id: 15,
    project: { id: 15, name: 'repo', web_url: 'https://gitlab.example/group/repo', git_ssh_url: 'git@gitlab.example:group/repo.git', git_http_url: repoUrl, path_with_namespace: 'group/repo', default_branch: 'main' },
    commits: [{ id: options.after, message: options.message ?? 'a change', timestamp: '2026-12-01T10:00:00+00:00', author: { name: 'a', email: 'a@example.invalid' } }],
    total_commits_count: 1,
    repository: { name: 'repo', url: 'git@gitlab.example:group/repo.git', homepage: 'https://gitlab.example/group/repo', git_http_url: repoUrl, git_ssh_url: 'git@gitlab.example:group/repo.git' },
  };
}

export interface SentAnswer {
  status: number;
  body: { outcome: string; reason: string; delivery: number | null; slots: string[]; deployments: string[] };
  headers: Headers;
}

export const hmacHex = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('hex');

/** POSTs raw bytes to the hooks listener with the given headers. */
export async function postHook(baseUrl: string, path: string, body: Buffer | string, headers: Record<string, string>): Promise<SentAnswer> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  const text = await response.text();
  let parsed: SentAnswer['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { outcome: 'unparsed', reason: text, delivery: null, slots: [], deployments: [] };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A signed GitHub delivery of `payload` (JSON unless form is set). */
export function sendGithub(baseUrl: string, secret: string, event: string, payload: unknown, options: { delivery?: string; form?: boolean } = {}): Promise<SentAnswer> {
  const json = JSON.stringify(payload);
  const body = options.form ? `payload=${encodeURIComponent(json)}` : json;
  return postHook(baseUrl, '/hooks/github', body, {
    'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.delivery ?? randomUUID(),
    'x-hub-signature-256': `sha256=${hmacHex(secret, body)}`,
    'user-agent': 'GitHub-Hookshot/test',
  });
}
