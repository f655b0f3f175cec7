// Starts a real berth daemon in this process on free ports and a temp BERTH_HOME, with a client bound to it.
import path from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createDaemon } from '../../src/daemon/create-daemon.js';
import { createLogger, createSilentLogger } from '../../src/log/logger.js';
import { connectLocal, createClient } from '../../src/sdk/client.js';
import { getFreePort, randomPortRange } from './ports.js';
import { makeTempDir, removeDir } from './temp.js';

export interface TestDaemonOptions {
  slots?: Array<{ name: string; memoryLimitMb?: number | null }>;
  config?: ConfigInput;
  env?: Record<string, string>;
  /** The built admin UI to serve (the browser tests build one from the current source). */
  uiDir?: string;
}

/** Fast timings so tests wait on conditions, not on production-sized grace periods. */
const fastTimings: ConfigInput = {
  health: { timeoutMs: 15_000, intervalMs: 50, path: '/' },
  drainTimeoutMs: 5_000,
  stopGraceMs: 1_000,
  statsIntervalMs: 200,
  restart: { minUptimeMs: 1_000, initialDelayMs: 20, factor: 1.5, maxDelayMs: 100, maxFastFailures: 5, resetAfterMs: 30_000 },
};

export async function startTestDaemon(options: TestDaemonOptions = {}) {
  const home = makeTempDir('berth-home-');
  const slotSpecs = options.slots ?? [{ name: 'a' }, { name: 'b' }];
  const slots: Array<{ name: string; port: number; memoryLimitMb: number | null }> = [];
  for (const spec of slotSpecs) slots.push({ name: spec.name, port: await getFreePort(), memoryLimitMb: spec.memoryLimitMb ?? null });
  const hooks = { port: await getFreePort(), ...options.config?.hooks };
  const config = resolveConfig({ ...fastTimings, adminPort: await getFreePort(), internalPorts: randomPortRange(), slots, ...options.config, hooks }, home);
  // BERTH_TEST_LOG_DIR keeps each test daemon's own log, for looking into a failure.
  const logger = process.env.BERTH_TEST_LOG_DIR ? createLogger({ destination: `${process.env.BERTH_TEST_LOG_DIR}/${path.basename(home)}.log`, level: 'debug' }) : createSilentLogger();
  const daemon = createDaemon({ config, logger, uiDir: options.uiDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS, ...options.env } });
  const info = await daemon.start().catch(async (error) => {
    await daemon.close();
    removeDir(home);
    throw error;
  });
  const client = createClient(connectLocal(home));
  return {
    home,
    config,
    info,
    client,
    daemon,
    hooksUrl: `http://127.0.0.1:${config.hooks.port}`,
    slotUrl: (name: string) => `http://127.0.0.1:${slots.find((slot) => slot.name === name)!.port}`,
    async close() {
      await daemon.close();
      removeDir(home);
    },
  };
}

export type TestDaemon = Awaited<ReturnType<typeof startTestDaemon>>;
