// Every file and folder berth uses, derived from BERTH_HOME.
import path from 'node:path';
import { CLI_TOKEN_FILE, DAEMON_INFO_FILE } from '../sdk/local-files.js';

export interface BerthPaths {
  home: string;
  configFile: string;
  stateDb: string;
  runDir: string;
  daemonInfo: string;
  cliToken: string;
  daemonLog: string;
  slotDir(slot: string): string;
  releasesDir(slot: string): string;
  slotLogsDir(slot: string): string;
}

export function resolvePaths(home: string): BerthPaths {
  const root = path.resolve(home);
  return {
    home: root,
    configFile: path.join(root, 'config.json'),
    stateDb: path.join(root, 'state.db'),
    runDir: path.join(root, 'run'),
    daemonInfo: path.join(root, DAEMON_INFO_FILE),
    cliToken: path.join(root, CLI_TOKEN_FILE),
    daemonLog: path.join(root, 'logs', 'daemon.log'),
    slotDir: (slot) => path.join(root, 'slots', slot),
    releasesDir: (slot) => path.join(root, 'slots', slot, 'releases'),
    slotLogsDir: (slot) => path.join(root, 'logs', 'slots', slot),
  };
}
