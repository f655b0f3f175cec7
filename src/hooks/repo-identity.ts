// One identity for every way of writing a repository's address, so that a push names the same repository a slot
// tracks: https://github.com/Owner/Repo.git, git@github.com:owner/repo, ssh://git@github.com:22/owner/repo.git and
// http(s) with credentials or a trailing slash all become "github.com/owner/repo". Local paths and file:// URLs
// (a bare repository on this machine) become "file:/path/to/repo".
import path from 'node:path';

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;

/** The identity of a repository address, or null when it is not one. */
export function repoIdentity(address: string): string | null {
  const text = address.trim();
  if (text.length === 0 || text.length > 2048) return null;
  if (path.isAbsolute(text)) return `file:${trimRepoPath(path.resolve(text))}`;
  if (!text.includes('://')) {
    const scp = SCP_LIKE.exec(text);
    return scp ? joinIdentity(scp[1], scp[2]) : null;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol === 'file:') return url.pathname ? `file:${trimRepoPath(decodeURIComponent(url.pathname))}` : null;
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol) || !url.hostname) return null;
  return joinIdentity(url.hostname, decodeURIComponent(url.pathname));
}

function joinIdentity(host: string, repoPath: string): string | null {
  const trimmed = trimRepoPath(repoPath).replace(/^\/+/, '');
  return trimmed ? `${host.toLowerCase()}/${trimmed.toLowerCase()}` : null;
}

function trimRepoPath(repoPath: string): string {
  return repoPath.replace(/\/+$/, '').replace(/\.git$/i, '').replace(/\/+$/, '');
}

/** Every address a sender gives for the pushed repository, as identities (duplicates and non-addresses dropped). */
export function identitiesOf(addresses: Array<string | null | undefined>): Set<string> {
  const identities = new Set<string>();
  for (const address of addresses) {
    const identity = typeof address === 'string' ? repoIdentity(address) : null;
    if (identity) identities.add(identity);
  }
  return identities;
}
