// A GitHub token from Coder's external auth, asked for at fetch time (`coder external-auth access-token <provider>`)
// when the workspace has the coder CLI and the slot has no token of its own. It goes to git through the askpass
// helper like any token, and is never stored or logged. Only hosts the config names get it: a GitHub token is never
// handed to another server.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CoderTokenOptions {
  repo: string;
  /** The daemon's environment: PATH to find the coder CLI, and the agent's CODER_* variables it authenticates with. */
  env: Record<string, string | undefined>;
  provider: string;
  hosts: readonly string[];
  timeoutMs?: number;
}

export type CoderTokenResult = { token: string } | { skipped: string } | null;

function findOnPath(name: string, searchPath: string | undefined): string | null {
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** Only what the coder CLI needs: where to find things, and the agent's own variables. */
function coderEnv(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (name.startsWith('CODER_') || ['PATH', 'HOME', 'USER', 'XDG_CONFIG_HOME', 'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS'].includes(name))) picked[name] = value;
  }
  return picked;
}

/** A token for the repository's host from Coder, a reason it could not be had, or null when Coder does not apply. */
export async function coderGitToken(options: CoderTokenOptions): Promise<CoderTokenResult> {
  let host: string;
  try {
    const url = new URL(options.repo);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    host = url.host.toLowerCase();
  } catch {
    return null;
  }
  if (!options.hosts.map((entry) => entry.toLowerCase()).includes(host)) return null;
  const coder = findOnPath('coder', options.env.PATH);
  if (!coder) return null;
  return new Promise((resolve) => {
    execFile(coder, ['external-auth', 'access-token', options.provider], { timeout: options.timeoutMs ?? 15_000, env: coderEnv(options.env), maxBuffer: 64 * 1024 }, (error, stdout, stderr) => {
      const token = stdout.trim();
      if (error || !/^[\x21-\x7e]{8,}$/.test(token)) {
        const why = (stderr || (error?.message ?? '')).trim().split('\n')[0] || 'it printed no token';
        resolve({ skipped: `coder external-auth access-token ${options.provider} gave no token (${why.slice(0, 200)}); fetching without one` });
        return;
      }
      resolve({ token });
    });
  });
}
