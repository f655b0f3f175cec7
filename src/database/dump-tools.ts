// pg_dump and pg_restore of the server's own major version. The embedded server is PostgreSQL 15, chosen to match
// the client tools Debian and Ubuntu ship (`apt-get install postgresql-client-15`); a pg_dump older than the server
// refuses to dump it, and a much newer one writes dumps an older pg_restore cannot read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { BerthError } from '../errors/berth-error.js';

export interface DumpTools {
  pgDump: string;
  pgRestore: string;
  version: string;
}

/** The tools for server major `major`: Debian's versioned folder first, then whatever is on PATH if it matches. */
export function findDumpTools(major: number): DumpTools {
  const candidates = [`/usr/lib/postgresql/${major}/bin`, `/usr/pgsql-${major}/bin`, `/opt/homebrew/opt/postgresql@${major}/bin`, `/usr/local/opt/postgresql@${major}/bin`];
  for (const dir of candidates) {
    if (fs.existsSync(`${dir}/pg_dump`) && fs.existsSync(`${dir}/pg_restore`)) return { pgDump: `${dir}/pg_dump`, pgRestore: `${dir}/pg_restore`, version: versionOf(`${dir}/pg_dump`) };
  }
  let onPath: string | null = null;
  try {
    onPath = versionOf('pg_dump');
  } catch {
    // Not installed.
  }
  if (onPath && Number(onPath.split('.')[0]) === major) return { pgDump: 'pg_dump', pgRestore: 'pg_restore', version: onPath };
  throw new BerthError('ERR_TOOL_MISSING', `Backups need pg_dump and pg_restore of PostgreSQL ${major} (the server's version)${onPath ? `; the pg_dump on PATH is ${onPath}` : ', and none is installed'}.`, {
    remedy: `Install them: \`apt-get install postgresql-client-${major}\` (Debian/Ubuntu), \`brew install postgresql@${major}\` (macOS). Snapshots need no tool.`,
    details: { major, found: onPath },
  });
}

function versionOf(binary: string): string {
  const text = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const match = /(\d+(?:\.\d+)?)/.exec(text);
  if (!match) throw new Error(`cannot read the version of ${binary}: ${text}`);
  return match[1];
}

/** Connection env for a tool, so no password ever shows in a process list. */
export function connectionEnv(url: string): Record<string, string> {
  const parsed = new URL(url);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PGHOST: parsed.hostname,
    PGPORT: parsed.port || '5432',
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)),
  };
}
