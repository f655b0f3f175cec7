// Starting and stopping berth itself: `berth up` in the foreground, `berth up --detach` in the background (it
// returns once berth answers), `berth down`. A second `berth up` finds the first through the pid file and says so.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { resolvePaths, type BerthPaths } from '../../config/paths.js';
import { isAlive, runningBerth } from '../../daemon/pid-file.js';
import { berthHomeFrom } from '../../sdk/local-files.js';

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeRunning(paths: BerthPaths, pid: number): string {
  try {
    const info = JSON.parse(fs.readFileSync(paths.daemonInfo, 'utf8')) as { adminUrl?: string };
    return `berth is already running (pid ${pid}${info.adminUrl ? `, admin ${info.adminUrl}` : ''}); \`berth down\` stops it`;
  } catch {
    return `berth is already running (pid ${pid}); \`berth down\` stops it`;
  }
}

/** Waits until the daemon started after `since` answers, or the detached berth exits. */
async function waitUntilReady(paths: BerthPaths, since: number, child: { exited: boolean }): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !child.exited) {
    try {
      const info = JSON.parse(fs.readFileSync(paths.daemonInfo, 'utf8')) as { apiUrl: string; startedAt: number };
      if (info.startedAt >= since && (await fetch(`${info.apiUrl}/api/v1/health`)).ok) return true;
    } catch {
      // Not yet.
    }
    await sleep(100);
  }
  return false;
}

function tail(file: string, from: number): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(from).trim();
  } catch {
    return '';
  }
}

async function detach(paths: BerthPaths, env: NodeJS.ProcessEnv): Promise<number> {
  fs.mkdirSync(path.dirname(paths.upLog), { recursive: true });
  const logStart = fs.existsSync(paths.upLog) ? fs.statSync(paths.upLog).size : 0;
  const log = fs.openSync(paths.upLog, 'a', 0o600);
  const since = Date.now();
  // The same berth command this one was started as (bin/berth.mjs), from the source or the bundle alike.
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'up'], { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  const state = { exited: false };
  child.once('exit', () => (state.exited = true));
  child.unref();
  const ready = await waitUntilReady(paths, since, state);
  const printed = tail(paths.upLog, logStart);
  if (!ready) {
    process.stderr.write(`${printed}\nberth did not become ready${state.exited ? ' (it exited; see above)' : ` within ${READY_TIMEOUT_MS / 1000} s`}; its output is in ${paths.upLog}\n`);
    return 1;
  }
  process.stdout.write(`${printed}\nberth runs in the background (pid ${child.pid}); output in ${paths.upLog}; \`berth down\` stops it\n`);
  return 0;
}

export function registerLifecycleCommands(program: Command): void {
  const homeOf = () => {
    const home = program.opts<{ home?: string }>().home;
    return home ? { ...process.env, BERTH_HOME: home } : process.env;
  };
  const pathsOf = (env: NodeJS.ProcessEnv) => resolvePaths(berthHomeFrom(env));

  program
    .command('up')
    .description('start berth (daemon plus a watchdog that restarts it): in the foreground, Ctrl-C stops everything; --detach runs it in the background')
    .option('--detach', 'run in the background; return once berth answers')
    .action(async (options: { detach?: boolean }) => {
      const env = homeOf();
      const paths = pathsOf(env);
      const running = runningBerth(paths.pidFile);
      if (running) {
        process.stdout.write(`${describeRunning(paths, running)}\n`);
        return;
      }
      if (options.detach) {
        process.exitCode = await detach(paths, env);
        return;
      }
      const { runWatchdog } = await import('../../daemon/watchdog.js');
      process.exitCode = await runWatchdog({ env, pidFile: paths.pidFile, say: (line) => process.stderr.write(`${line}\n`) });
    });

  program
    .command('down')
    .description('stop berth started by `berth up` (its apps stop too); says so when it is not running')
    .action(async () => {
      const paths = pathsOf(homeOf());
      const pid = runningBerth(paths.pidFile);
      if (!pid) {
        process.stdout.write('berth is not running\n');
        return;
      }
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (isAlive(pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(pid)) {
        process.stderr.write(`berth (pid ${pid}) is still stopping its apps after ${STOP_TIMEOUT_MS / 1000} s; run \`berth down\` again to wait more\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`berth stopped (pid ${pid})\n`);
    });
}
