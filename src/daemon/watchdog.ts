// `berth up`: runs the daemon as a child and restarts it with backoff if it dies; Ctrl-C stops it cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CONFIG } from './exit-codes.js';
import { releasePidFile, writePidFile } from './pid-file.js';

export interface WatchdogOptions {
  env: NodeJS.ProcessEnv;
  /** Holds this process's pid while it runs, so `berth down` and a second `berth up` find it. */
  pidFile?: string;
  /** Writes a line for the person at the terminal. */
  say(line: string): void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
/** A daemon that ran this long was healthy: the next failure starts the backoff over. */
const STABLE_MS = 60_000;

export function runWatchdog(options: WatchdogOptions): Promise<number> {
  const daemonArgs = daemonCommand();
  let child: ChildProcess | null = null;
  let stopping = false;
  let delay = FIRST_DELAY_MS;
  let restartTimer: NodeJS.Timeout | null = null;

  if (options.pidFile) writePidFile(options.pidFile);
  const done = new Promise<number>((resolve) => {
    const launch = () => {
      const startedAt = Date.now();
      child = spawn(process.execPath, daemonArgs, { stdio: 'inherit', env: options.env });
      child.once('exit', (code, signal) => {
        child = null;
        if (stopping) return resolve(code ?? 0);
        if (code === EXIT_CONFIG) {
          options.say('berth: the daemon cannot start as configured (see above); not restarting it.');
          return resolve(code);
        }
        if (Date.now() - startedAt > STABLE_MS) delay = FIRST_DELAY_MS;
        options.say(`berth: the daemon stopped (${signal ? `killed by ${signal}` : `exit code ${code}`}); restarting it in ${delay} ms`);
        restartTimer = setTimeout(launch, delay);
        delay = Math.min(MAX_DELAY_MS, delay * 2);
      });
    };

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        options.say('berth: still stopping apps; wait a moment.');
        return;
      }
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (!child) return resolve(0);
      options.say(`berth: stopping (${signal})…`);
      // The daemon may already have the signal from the terminal; a second one is ignored by it.
      child.kill('SIGTERM');
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    launch();
  });
  return done.finally(() => {
    if (options.pidFile) releasePidFile(options.pidFile);
  });
}

/**
 * How to run the daemon: the bundle in dist/ when this code itself runs from the bundle, else the TypeScript source
 * through tsx. Both this file (src/daemon/) and the CLI bundle (dist/cli/) sit two folders below the package root.
 */
function daemonCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const root = path.resolve(path.dirname(here), '..', '..');
  if (here.endsWith('.mjs')) return [path.join(root, 'dist', 'daemon', 'main.mjs')];
  return ['--import', import.meta.resolve('tsx'), path.join(root, 'src', 'daemon', 'main.ts')];
}
