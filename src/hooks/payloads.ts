// What berth reads from a verified delivery: for a push, the repository's addresses, the ref, the pushed commit,
// whether it deletes the ref, and the head commit's message. GitHub, Gitea/Forgejo and GitLab name these
// differently; each shape is checked with zod and anything it does not need is ignored.
import { z } from 'zod';

export type HookSource = 'github' | 'gitea' | 'gitlab';

export interface PushSummary {
  repoAddresses: string[];
  /** Display name: owner/repo as the sender names it. */
  repoName: string | null;
  ref: string;
  /** The pushed commit: what gets deployed. */
  after: string;
  deleted: boolean;
  headMessage: string | null;
}

const ZERO_SHA = /^0+$/;
const sha = z.string().regex(/^[0-9a-f]{40}$/i, 'a 40-character commit SHA');
const text = z.string().max(4096);
const optionalText = text.nullish();

const githubPush = z.object({
  ref: text,
  after: sha,
  deleted: z.boolean().optional(),
  head_commit: z.object({ id: z.string().optional(), message: z.string() }).nullish(),
  repository: z.object({ clone_url: optionalText, ssh_url: optionalText, git_url: optionalText, html_url: optionalText, url: optionalText, full_name: optionalText }),
});

const giteaPush = z.object({
  ref: text,
  after: sha,
  head_commit: z.object({ message: z.string() }).nullish(),
  commits: z.array(z.object({ id: z.string(), message: z.string() })).nullish(),
  repository: z.object({ clone_url: optionalText, ssh_url: optionalText, html_url: optionalText, full_name: optionalText }),
});

const gitlabPush = z.object({
  object_kind: z.enum(['push', 'tag_push']),
  ref: text,
  after: sha,
  commits: z.array(z.object({ id: z.string(), message: z.string() })).nullish(),
  project: z.object({ git_http_url: optionalText, git_ssh_url: optionalText, web_url: optionalText, path_with_namespace: optionalText }).nullish(),
  repository: z.object({ git_http_url: optionalText, git_ssh_url: optionalText, homepage: optionalText, url: optionalText }).nullish(),
});

export class PayloadError extends Error {}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PayloadError(`not a ${what} payload: ${issue.path.join('.') || 'the body'} ${issue.message}`);
  }
  return result.data;
}

/** The push a verified delivery describes. */
export function readPush(source: HookSource, body: unknown): PushSummary {
  if (source === 'github') {
    const push = parse(githubPush, body, 'GitHub push');
    const repo = push.repository;
    return {
      repoAddresses: [repo.clone_url, repo.ssh_url, repo.git_url, repo.html_url].filter((value): value is string => typeof value === 'string'),
      repoName: repo.full_name ?? null,
      ref: push.ref,
      after: push.after.toLowerCase(),
      deleted: push.deleted === true || ZERO_SHA.test(push.after),
      headMessage: push.head_commit?.message ?? null,
    };
  }
  if (source === 'gitea') {
    const push = parse(giteaPush, body, 'Gitea/Forgejo push');
    const repo = push.repository;
    const head = push.head_commit ?? push.commits?.find((commit) => commit.id.toLowerCase() === push.after.toLowerCase()) ?? null;
    return {
      repoAddresses: [repo.clone_url, repo.ssh_url, repo.html_url].filter((value): value is string => typeof value === 'string'),
      repoName: repo.full_name ?? null,
      ref: push.ref,
      after: push.after.toLowerCase(),
      deleted: ZERO_SHA.test(push.after),
      headMessage: head?.message ?? null,
    };
  }
  const push = parse(gitlabPush, body, 'GitLab push');
  const head = push.commits?.find((commit) => commit.id.toLowerCase() === push.after.toLowerCase()) ?? null;
  return {
    repoAddresses: [push.project?.git_http_url, push.project?.git_ssh_url, push.project?.web_url, push.repository?.git_http_url, push.repository?.git_ssh_url, push.repository?.homepage].filter(
      (value): value is string => typeof value === 'string',
    ),
    repoName: push.project?.path_with_namespace ?? null,
    ref: push.ref,
    after: push.after.toLowerCase(),
    deleted: ZERO_SHA.test(push.after),
    headMessage: head?.message ?? null,
  };
}

/** The event a delivery carries, in berth's terms. */
export function eventKind(source: HookSource, headerEvent: string | undefined): 'push' | 'ping' | string {
  const event = (headerEvent ?? '').trim().toLowerCase();
  if (source === 'gitlab') return event === 'push hook' || event === 'tag push hook' ? 'push' : event || 'unknown';
  return event || 'unknown';
}

/** Commit messages that ask not to deploy. */
export const SKIP_MARKERS = ['[skip deploy]', '[skip ci]', '[ci skip]', '[no ci]'];

export function skipMarker(message: string | null): string | null {
  if (!message) return null;
  const lower = message.toLowerCase();
  return SKIP_MARKERS.find((marker) => lower.includes(marker)) ?? null;
}
