// Runs a real `berth up` for a benchmark (temp BERTH_HOME, production timings unless told) and a client to drive it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectLocal, createClient } from '../../src/sdk/client.js';
import { startBerthUp, waitForDaemon, writeTestConfig } from '../../test/helpers/berth-process.js';
import { benchDir } from './tools.js';

const appFolders: string[] = [];
// Deployed apps are copied into berth's home, so the folders are not needed after the run.
process.on('exit', () => appFolders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

/** A folder holding one benchmark app as server.js, ready to deploy (hello-ws gets berth's ws package linked in). */
export function appFolder(app: 'hello' | 'printer' | 'hello-ws'): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `berth-bench-${app}-`));
  appFolders.push(folder);
  fs.copyFileSync(path.join(benchDir, 'apps', `${app}.js`), path.join(folder, 'server.js'));
  if (app === 'hello-ws') {
    fs.mkdirSync(path.join(folder, 'node_modules'));
    fs.symlinkSync(path.resolve(benchDir, '..', 'node_modules', 'ws'), path.join(folder, 'node_modules', 'ws'));
  }
  return folder;
}

export async function startBerth(slots: string[], config: Record<string, unknown> = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-home-'));
  const ports = await writeTestConfig(home, slots, { stopGraceMs: 5000, drainTimeoutMs: 10_000, health: { path: '/', timeoutMs: 60_000, intervalMs: 100 }, ...config });
  const berth = startBerthUp(home);
  const daemonPid = await waitForDaemon(home);
  const client = createClient(connectLocal(home));
  return {
    home,
    ports,
    daemonPid,
    watchdogPid: berth.process.pid!,
    client,
    url: (slot: string) => `http://127.0.0.1:${ports[slot]}/`,
    async stop() {
      process.kill(-berth.process.pid!, 'SIGINT');
      await berth.exited;
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
