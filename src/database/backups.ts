// Backups to a file (pg_dump, custom format, as the slot's own role) and restores from one (pg_restore into an
// emptied database, after an automatic snapshot that is put back if the restore fails).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BerthError } from '../errors/berth-error.js';
import type { SlotDatabaseRecord } from '../store/database-store.js';
import { connectionEnv, findDumpTools } from './dump-tools.js';
import type { SnapshotOps } from './snapshots.js';

export interface BackupDeps {
  /** A folder for the dump files while they are made or uploaded. */
  workDir: string;
  serverMajor(): Promise<number>;
  enabledRecord(slot: string): SlotDatabaseRecord;
  url(slot: string): string;
  snapshots: SnapshotOps;
  event(slot: string, type: string, message: string, actor: string | null): void;
}

export function runTool(command: string, args: string[], env: Record<string, string>, input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: [input ? fs.openSync(input, 'r') : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(Object.assign(new Error(stderr.trim().split('\n').slice(-6).join('\n') || `exit code ${code}`), { code }))));
  });
}

export function createBackupOps(deps: BackupDeps) {
  const tempFile = (slot: string, what: string) => {
    fs.mkdirSync(deps.workDir, { recursive: true, mode: 0o700 });
    return path.join(deps.workDir, `${slot}-${what}-${randomBytes(4).toString('hex')}.dump`);
  };

  return {
    /** Dumps the slot's database to a file and returns its path; the caller streams it and removes it. */
    async backup(slot: string, actor: string | null = null): Promise<{ file: string; name: string }> {
      const record = deps.enabledRecord(slot);
      const tools = findDumpTools(await deps.serverMajor());
      const file = tempFile(slot, 'backup');
      try {
        await runTool(tools.pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`], connectionEnv(deps.url(slot)));
      } catch (error) {
        fs.rmSync(file, { force: true });
        throw new BerthError('ERR_DB_BACKUP_FAILED', `pg_dump ${tools.version} could not back up ${record.database}:\n${(error as Error).message}`, { details: { slot } });
      }
      deps.event(slot, 'db.backup', `backup of ${record.database} made (${fs.statSync(file).size} bytes, pg_dump ${tools.version})`, actor);
      return { file, name: `${record.database}-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '')}.dump` };
    },

    /** Replaces the slot's data with a dump read from `upload`; on failure the previous data is put back. */
    async restoreFile(slot: string, upload: NodeJS.ReadableStream, actor: string | null = null): Promise<{ kept: string; endedConnections: number }> {
      const record = deps.enabledRecord(slot);
      const tools = findDumpTools(await deps.serverMajor());
      const file = tempFile(slot, 'upload');
      try {
        await pipeline(upload, fs.createWriteStream(file, { mode: 0o600 }));
        const emptied = await deps.snapshots.reset(slot, actor);
        try {
          await runTool(tools.pgRestore, ['--no-owner', '--no-privileges', '--exit-on-error', `--role=${record.role}`, `--dbname=${record.database}`], connectionEnv(deps.url(slot)), file);
        } catch (error) {
          await deps.snapshots.restore(slot, emptied.kept, actor);
          throw new BerthError('ERR_DB_RESTORE_FAILED', `pg_restore ${tools.version} could not restore the file into ${record.database}; the previous data was put back:\n${(error as Error).message}`, {
            details: { slot, kept: emptied.kept },
          });
        }
        deps.event(slot, 'db.restore-file', `a backup file was restored into ${record.database}; the previous data is kept as snapshot ${emptied.kept}`, actor);
        return emptied;
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  };
}
