// `berth convex reset`: a slot's Convex backend started over, empty, after everything it held was kept aside — a
// Convex export made by the live release's own CLI where it can make one (`convex export`, which `convex import`
// takes back), the instance folder as it was (SQLite file, stored files, keys), and a pg_dump of its Postgres
// database. Needed to change how a backend stores its data: a backend cannot start on storage it was not made with.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ConvexInstance } from './backend.js';
import { cliEnv, findConvexCli } from './functions-deploy.js';

export interface ResetOptions {
  slot: string;
  /** The slot's Convex folder. */
  dir: string;
  instance: ConvexInstance;
  /** Where the kept data goes (a new folder per reset). */
  exportDir: string;
  running: boolean;
  /** The backend's loopback URL, for the CLI's export. */
  url: string;
  release: { filesDir: string; appDir: string } | null;
  nodePath: string;
  stop(): Promise<void>;
  dumpPostgres(file: string): Promise<void>;
  dropPostgres(): Promise<void>;
}

export interface ResetResult {
  exportDir: string;
  /** The Convex export (a ZIP for `npx convex import`), or null with the reason in `notes`. */
  convexExport: string | null;
  kept: string[];
  notes: string[];
}

const EXPORT_TIMEOUT_MS = 10 * 60_000;

function cliExport(options: ResetOptions, file: string): Promise<string | null> {
  const cli = options.release ? findConvexCli(options.release.filesDir, options.release.appDir) : null;
  if (!cli || !options.release) return Promise.resolve('the live release has no convex package to export with');
  const env = cliEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' }, { url: options.url, adminKey: options.instance.adminKey });
  return new Promise((resolve) => {
    execFile(options.nodePath, [cli.script, 'export', '--path', file], { cwd: path.join(options.release!.filesDir, options.release!.appDir), env, timeout: EXPORT_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error) resolve(`\`convex export\` failed: ${(stderr || error.message).trim().split('\n').slice(-2).join(' ').replaceAll(options.instance.adminKey, '••••••••')}`);
      else resolve(fs.existsSync(file) ? null : '`convex export` wrote no file');
    });
  });
}

export async function resetBackend(options: ResetOptions): Promise<ResetResult> {
  fs.mkdirSync(options.exportDir, { recursive: true, mode: 0o700 });
  const notes: string[] = [];
  let convexExport: string | null = path.join(options.exportDir, 'convex-export.zip');
  const problem = options.running ? await cliExport(options, convexExport) : 'the backend was not running';
  if (problem) {
    notes.push(`no Convex export: ${problem}`);
    convexExport = null;
  }
  await options.stop();
  const kept: string[] = convexExport ? [convexExport] : [];
  if (options.instance.storage.database === 'postgres') {
    const dump = path.join(options.exportDir, 'convex-postgres.dump');
    await options.dumpPostgres(dump);
    kept.push(dump);
    await options.dropPostgres();
  }
  // The instance folder as it was: it is what a backend of the same kind could be started on again.
  const instanceCopy = path.join(options.exportDir, 'instance');
  fs.mkdirSync(instanceCopy, { mode: 0o700 });
  for (const entry of fs.readdirSync(options.dir)) {
    if (entry === 'tmp') fs.rmSync(path.join(options.dir, entry), { recursive: true, force: true });
    else fs.renameSync(path.join(options.dir, entry), path.join(instanceCopy, entry));
  }
  kept.push(instanceCopy);
  return { exportDir: options.exportDir, convexExport, kept, notes };
}
