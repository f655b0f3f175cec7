// Where a local daemon leaves what a client needs to reach it, relative to BERTH_HOME.
import os from 'node:os';
import path from 'node:path';

export const DAEMON_INFO_FILE = path.join('run', 'daemon.json');
export const CLI_TOKEN_FILE = path.join('secrets', 'cli-token');

export function berthHomeFrom(env: Record<string, string | undefined>): string {
  return path.resolve(env.BERTH_HOME ?? path.join(env.HOME ?? os.homedir(), '.berth'));
}
