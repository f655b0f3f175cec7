// Drives PM2 (the anchor) with its own PM2_HOME, so a benchmark never touches a user's PM2.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensurePm2 } from './tools.js';

const run = promisify(execFile);

export function createPm2() {
  const bin = ensurePm2();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-pm2-'));
  const env = { ...process.env, PM2_HOME: home };
  const pm2 = async (args: string[], extraEnv: Record<string, string> = {}) => (await run(bin, args, { env: { ...env, ...extraEnv }, maxBuffer: 1 << 24 })).stdout;
  return {
    home,
    pm2,
    bin,
    env,
    /** Pid of PM2's daemon ("God"), from its pid file. */
    daemonPid(): number {
      return Number(fs.readFileSync(path.join(home, 'pm2.pid'), 'utf8'));
    },
    async appPids(name: string): Promise<number[]> {
      const list = JSON.parse(await pm2(['jlist'])) as Array<{ name: string; pid: number }>;
      return list.filter((app) => app.name === name).map((app) => app.pid);
    },
    async kill(): Promise<void> {
      await pm2(['kill']).catch(() => undefined);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
