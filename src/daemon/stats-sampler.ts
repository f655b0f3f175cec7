// Samples CPU and memory of every live app from /proc, and restarts an app that exceeds its memory limit.
import type { Logger } from '../log/logger.js';
import type { SlotRuntime } from '../slots/slot-runtime.js';
import type { SlotService } from '../slots/slot-service.js';
import { listProcesses, measureTree } from '../supervisor/proc.js';

export interface StatsSamplerOptions {
  runtimes: Map<string, SlotRuntime>;
  service: SlotService;
  intervalMs: number;
  logger: Logger;
}

export function startStatsSampler(options: StatsSamplerOptions) {
  const sample = () => {
    // One scan of /proc per tick serves every slot, and none is made while no app runs.
    const running = [...options.runtimes.values()].some((runtime) => runtime.live?.instance?.pid);
    const processes = running ? listProcesses() : [];
    for (const runtime of options.runtimes.values()) {
      const rssBytes = runtime.sample((pid) => measureTree(pid, processes));
      const limitMb = runtime.memoryLimitMb();
      if (limitMb === null || rssBytes <= limitMb * 1024 * 1024 || runtime.busy) continue;
      const usedMb = Math.round(rssBytes / 1024 / 1024);
      options.logger.warn({ slot: runtime.name, usedMb, limitMb }, 'memory limit exceeded; restarting the app');
      void options.service.restartForMemory(runtime.name, usedMb, limitMb).catch((error) => {
        options.logger.error({ slot: runtime.name, err: error }, 'restart after memory limit failed');
      });
    }
  };
  const timer = setInterval(sample, options.intervalMs);
  timer.unref();
  sample();
  return { stop: () => clearInterval(timer) };
}
