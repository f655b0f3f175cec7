// Validates the repository and branch a slot tracks, so that nothing a user types can become a git option or transport.
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';

/** Transports berth lets git use; `ext::` and `fd::` (which run commands) are never among them. */
export const ALLOWED_GIT_PROTOCOLS = 'file:git:http:https:ssh';

const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/;

export type RepoKind = 'https' | 'http' | 'ssh' | 'file' | 'local';

/** Returns the kind of repository address, or throws ERR_REPO_INVALID saying which forms are accepted. */
export function checkRepoUrl(repo: string): RepoKind {
  const invalid = (why: string) =>
    new BerthError('ERR_REPO_INVALID', `"${repo}" is not a repository berth can fetch: ${why}.`, {
      details: { repo },
    });
  if (repo.length === 0 || repo.length > 2048) throw invalid('it must be 1 to 2048 characters long');
  if (/[\s\u0000-\u001f\u007f]/.test(repo)) throw invalid('it contains spaces or control characters');
  if (repo.startsWith('-')) throw invalid('it starts with "-", which git would read as an option');
  if (SCP_LIKE.test(repo)) return 'ssh';
  if (path.isAbsolute(repo)) return 'local';
  let url: URL;
  try {
    url = new URL(repo);
  } catch {
    throw invalid('use https://host/owner/repo.git, git@host:owner/repo.git, ssh://…, file:///path or an absolute path');
  }
  const kind = url.protocol.slice(0, -1);
  // ssh://git@host/… names the SSH user, which is normal; a password, or any user in an http(s) URL, is a secret.
  if (url.password || (url.username && kind !== 'ssh')) throw invalid('it holds a user name or password; give berth a token with `berth git-token set` instead, so it never appears in a URL or log');
  if (kind === 'https' || kind === 'http' || kind === 'ssh' || kind === 'file') return kind;
  throw invalid(`the ${url.protocol} transport is not allowed (https, http, ssh, git@host:path, file:// and absolute paths are)`);
}

/** Git's own rules for a branch name (git check-ref-format), plus: no leading "-". */
export function checkBranch(branch: string): void {
  const problem = branchProblem(branch);
  if (problem) throw new BerthError('ERR_BRANCH_INVALID', `"${branch}" is not a valid branch name: ${problem}.`, { details: { branch } });
}

function branchProblem(branch: string): string | null {
  if (branch.length === 0 || branch.length > 255) return 'it must be 1 to 255 characters long';
  if (branch.startsWith('-')) return 'it starts with "-", which git would read as an option';
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(branch)) return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (branch.includes('..') || branch.includes('@{') || branch.includes('//')) return 'it contains "..", "@{" or "//"';
  if (branch === '@' || branch.endsWith('/') || branch.endsWith('.') || branch.endsWith('.lock') || branch.startsWith('/')) return 'it starts or ends with a character git does not allow there';
  if (branch.split('/').some((part) => part.startsWith('.'))) return 'a part of it starts with "."';
  return null;
}

/** A monorepo subfolder: relative, inside the repository, no "..". */
export function checkRootFolder(root: string): string {
  const normalised = path.posix.normalize(root.replace(/\\/g, '/')).replace(/\/$/, '');
  if (path.posix.isAbsolute(normalised) || normalised === '..' || normalised.startsWith('../')) {
    throw new BerthError('ERR_SETTINGS_INVALID', `The app folder "${root}" must be a folder inside the repository, like apps/web.`, { details: { root } });
  }
  return normalised === '.' ? '' : normalised;
}

