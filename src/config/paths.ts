// Every file and folder berth uses, derived from BERTH_HOME.
import path from 'node:path';
import { CLI_TOKEN_FILE, DAEMON_INFO_FILE } from '../sdk/local-files.js';

export interface BerthPaths {
  home: string;
  configFile: string;
  stateDb: string;
  runDir: string;
  daemonInfo: string;
  /** The pid of the running `berth up` (its watchdog), for `berth down` and a second `berth up`. */
  pidFile: string;
  /** What a detached `berth up` prints (its own and the daemon's start-up lines). */
  upLog: string;
  cliToken: string;
  daemonLog: string;
  slotDir(slot: string): string;
  releasesDir(slot: string): string;
  slotLogsDir(slot: string): string;
  /** Shared package caches (npm, pnpm, corepack) and reusable installed dependencies. */
  cacheDir: string;
  deployLogsDir(slot: string): string;
  /** Bare git caches of the repositories the slot tracks. */
  gitCacheDir(slot: string): string;
  /** The slot's SSH deploy key (private; the public half beside it with .pub). */
  deployKey(slot: string): string;
  /** The embedded PostgreSQL server (data/ inside) and its superuser password (0600). */
  postgresDir: string;
  postgresPassword: string;
  webhookSecret: string;
}

export function resolvePaths(home: string): BerthPaths {
  const root = path.resolve(home);
  return {
    home: root,
    configFile: path.join(root, 'config.json'),
    stateDb: path.join(root, 'state.db'),
    runDir: path.join(root, 'run'),
    daemonInfo: path.join(root, DAEMON_INFO_FILE),
    pidFile: path.join(root, 'run', 'berth.pid'),
    upLog: path.join(root, 'logs', 'berth-up.log'),
    cliToken: path.join(root, CLI_TOKEN_FILE),
    daemonLog: path.join(root, 'logs', 'daemon.log'),
    slotDir: (slot) => path.join(root, 'slots', slot),
    releasesDir: (slot) => path.join(root, 'slots', slot, 'releases'),
    slotLogsDir: (slot) => path.join(root, 'logs', 'slots', slot),
    cacheDir: path.join(root, 'cache'),
    deployLogsDir: (slot) => path.join(root, 'logs', 'deploys', slot),
    gitCacheDir: (slot) => path.join(root, 'slots', slot, 'git'),
    deployKey: (slot) => path.join(root, 'slots', slot, 'deploy_key'),
    postgresDir: path.join(root, 'postgres'),
    postgresPassword: path.join(root, 'secrets', 'postgres-password'),
    webhookSecret: path.join(root, 'secrets', 'webhook-secret'),
  };
}
