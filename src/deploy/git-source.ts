// Fetches one branch (or commit) of a repository into the slot's bare cache and writes its files into a release folder.
// Credentials reach git only through an askpass helper or an SSH key file named in the environment of the git
// process: never in a URL, an argument, a log line or an API answer.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { CommitInfo } from '../store/records.js';
import { ALLOWED_GIT_PROTOCOLS, checkBranch, checkRepoUrl } from './git-inputs.js';
import { formatTail, type StepCommand, type StepResult } from './run-step.js';

export interface GitCredentials {
  token?: { username: string | null; token: string } | null;
  /** Private key file of the slot's deploy key, when it has one. */
  sshKeyFile?: string | null;
}

export interface GitHelpers {
  askpass: string;
  ssh: string;
  knownHosts: string;
}

export interface FetchOptions {
  repo: string;
  branch: string;
  /** A full commit SHA to deploy instead of the branch tip (a webhook's `after`). */
  commit?: string | null;
  /** Folder holding this slot's bare caches, one per repository. */
  cacheRoot: string;
  credentials: GitCredentials;
  helpers: GitHelpers;
  baseEnv: Record<string, string>;
  /** Runs one git command (with the stage's deadline and cancel signal); its output goes to the deploy log. */
  run(step: StepCommand, env: Record<string, string>, cwd: string): Promise<StepResult>;
}

const ASKPASS = `#!/bin/sh
# berth's git askpass helper: answers git's prompts from variables set for this one git process.
case "$1" in
  Username*) printf '%s\\n' "\${BERTH_GIT_USERNAME:-x-access-token}" ;;
  *) printf '%s\\n' "\${BERTH_GIT_TOKEN}" ;;
esac
`;
const SSH = `#!/bin/sh
# berth's ssh wrapper for git: the slot's deploy key, no prompts, host keys remembered in BERTH_HOME.
exec ssh -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=$BERTH_KNOWN_HOSTS" \${BERTH_SSH_KEY:+-i "$BERTH_SSH_KEY"} "$@"
`;

/** Writes the helper scripts (owner-only) that git calls for credentials. */
export function writeGitHelpers(runDir: string): GitHelpers {
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const helpers = { askpass: path.join(runDir, 'git-askpass.sh'), ssh: path.join(runDir, 'git-ssh.sh'), knownHosts: path.join(runDir, 'known_hosts') };
  fs.writeFileSync(helpers.askpass, ASKPASS, { mode: 0o700 });
  fs.writeFileSync(helpers.ssh, SSH, { mode: 0o700 });
  fs.chmodSync(helpers.askpass, 0o700);
  fs.chmodSync(helpers.ssh, 0o700);
  return helpers;
}

export function gitEnv(options: Pick<FetchOptions, 'credentials' | 'helpers' | 'baseEnv'>): Record<string, string> {
  const env: Record<string, string> = {
    ...options.baseEnv,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: ALLOWED_GIT_PROTOCOLS,
    GIT_SSH: options.helpers.ssh,
    GIT_SSH_VARIANT: 'ssh',
    BERTH_KNOWN_HOSTS: options.helpers.knownHosts,
  };
  if (options.credentials.sshKeyFile) env.BERTH_SSH_KEY = options.credentials.sshKeyFile;
  if (options.credentials.token) {
    env.GIT_ASKPASS = options.helpers.askpass;
    env.BERTH_GIT_TOKEN = options.credentials.token.token;
    if (options.credentials.token.username) env.BERTH_GIT_USERNAME = options.credentials.token.username;
  }
  return env;
}

/** Fetches the wanted commit into the slot's cache for this repository; returns the commit and the cache folder. */
export async function fetchCommit(options: FetchOptions): Promise<{ commit: CommitInfo; gitDir: string }> {
  checkRepoUrl(options.repo);
  checkBranch(options.branch);
  if (options.commit && !/^[0-9a-f]{40}$/.test(options.commit)) {
    throw new BerthError('ERR_BAD_REQUEST', `"${options.commit}" is not a full 40-character commit SHA.`, { details: { commit: options.commit } });
  }
  const gitDir = prepareCache(options.cacheRoot, options.repo);
  const env = gitEnv(options);
  // Token users get only berth's askpass: a credential helper configured for the user must not answer instead.
  const credentialReset = options.credentials.token ? ['-c', 'credential.helper='] : [];
  const fetch = (what: string) =>
    options.run(
      { command: 'git', args: [...credentialReset, 'fetch', '--depth', '1', '--no-tags', '--force', '--no-recurse-submodules', '--', options.repo, what], display: `git fetch --depth 1 ${options.repo} ${what.replace(/^\+/, '').split(':')[0]}` },
      env,
      gitDir,
    );
  const tip = await fetch(`+refs/heads/${options.branch}:refs/berth/tip`);
  if (tip.code !== 0) throw fetchError(options, tip.tail);
  let commit = await describeCommit(options, gitDir, 'refs/berth/tip');
  if (options.commit && options.commit !== commit.sha) {
    const byCommit = await fetch(options.commit);
    if (byCommit.code !== 0) {
      throw new BerthError('ERR_GIT_COMMIT_MISSING', `Commit ${options.commit} could not be fetched from ${options.repo}.${formatTail(byCommit.tail, 5)}`, {
        details: { repo: options.repo, commit: options.commit },
      });
    }
    commit = await describeCommit(options, gitDir, options.commit);
  }
  return { commit: { ...commit, branch: options.branch, repo: options.repo }, gitDir };
}

/** Writes the files of a fetched commit into `dest` (no .git folder: a release holds files only). */
export async function checkoutCommit(options: Pick<FetchOptions, 'run' | 'baseEnv'>, gitDir: string, sha: string, dest: string): Promise<void> {
  fs.mkdirSync(dest, { recursive: true });
  // A private index per checkout keeps the bare cache free of any work-tree state.
  const index = path.join(gitDir, `index-${randomBytes(4).toString('hex')}`);
  try {
    const result = await options.run(
      { command: 'git', args: [`--git-dir=${gitDir}`, `--work-tree=${dest}`, 'checkout', '--force', sha, '--', '.'], display: `git checkout ${sha.slice(0, 12)}` },
      { ...options.baseEnv, GIT_INDEX_FILE: index },
      dest,
    );
    if (result.code !== 0) throw new BerthError('ERR_DEPLOY_STEP_FAILED', `git could not write commit ${sha} into the release folder.${formatTail(result.tail)}`, { details: { commit: sha } });
  } finally {
    fs.rmSync(index, { force: true });
  }
}

/** One bare cache per repository; caches of repositories the slot no longer tracks are removed. */
function prepareCache(cacheRoot: string, repo: string): string {
  const key = createHash('sha256').update(repo).digest('hex').slice(0, 16);
  const gitDir = path.join(cacheRoot, key);
  fs.mkdirSync(cacheRoot, { recursive: true });
  for (const entry of fs.readdirSync(cacheRoot)) if (entry !== key) fs.rmSync(path.join(cacheRoot, entry), { recursive: true, force: true });
  if (!fs.existsSync(path.join(gitDir, 'HEAD'))) {
    fs.rmSync(gitDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(gitDir, 'objects'), { recursive: true });
    fs.mkdirSync(path.join(gitDir, 'refs'), { recursive: true });
    fs.writeFileSync(path.join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(gitDir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tbare = true\n');
  }
  return gitDir;
}

/** The full SHA and subject of a fetched commit, in one git call. */
async function describeCommit(options: FetchOptions, gitDir: string, ref: string): Promise<{ sha: string; subject: string }> {
  const result = await options.run({ command: 'git', args: ['log', '-1', '--format=%H%n%s', `${ref}^{commit}`, '--'], display: `git log -1 ${ref}` }, options.baseEnv, gitDir);
  // The last two output lines: the full SHA, then the subject (a subject is one line by definition).
  const [sha = '', subject = ''] = result.tail.slice(-2);
  if (result.code !== 0 || !/^[0-9a-f]{40}$/.test(sha)) throw new BerthError('ERR_DEPLOY_STEP_FAILED', `git could not read ${ref} after fetching.${formatTail(result.tail)}`);
  return { sha, subject };
}

function fetchError(options: FetchOptions, tail: string[]): BerthError {
  const output = tail.join('\n');
  const details = { repo: options.repo, branch: options.branch, output: tail.slice(-8) };
  if (/couldn't find remote ref/i.test(output)) {
    return new BerthError('ERR_GIT_BRANCH_MISSING', `The repository ${options.repo} has no branch "${options.branch}".`, { details });
  }
  if (/authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(publickey|HTTP 40[13]|returned error: 40[13]/i.test(output)) {
    return new BerthError('ERR_GIT_AUTH', `${options.repo} refused access to berth.${formatTail(tail, 5)}`, { details });
  }
  return new BerthError('ERR_GIT_UNREACHABLE', `berth could not fetch ${options.repo}.${formatTail(tail, 5)}`, { details });
}
