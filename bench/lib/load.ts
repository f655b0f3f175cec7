// Load clients for benchmarks, each its own process (bench/lib/load-client.mjs, ws-client.mjs): started against a URL, their counts collected when stopped.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { benchDir } from './tools.js';

export interface LoadCounts {
  ok: number;
  non2xx: number;
  errors: number;
  /** Failures by kind ("ECONNREFUSED", "HTTP 502") and how many of each. */
  kinds: Record<string, number>;
}

export function startLoad(url: string, connections = 16) {
  return startCountingClient<LoadCounts>('load-client.mjs', [url, String(connections)]);
}

export interface WebSocketCounts {
  echoes: number;
  /** Closes with 1001 (a drained release), after which the client reconnected. */
  cleanCloses: number;
  failures: number;
  kinds: Record<string, number>;
}

/** WebSocket clients (bench/lib/ws-client.mjs) that ping, expect echoes and reconnect after a clean close. */
export function startWebSockets(url: string, clients = 4) {
  return startCountingClient<WebSocketCounts>('ws-client.mjs', [url, String(clients)]);
}

/**
 * A client script of bench/lib run as its own process: resolves once it prints "ready"; stop() sends SIGTERM and
 * reads the counts it prints as its last line of JSON.
 */
async function startCountingClient<Counts>(script: string, args: string[]) {
  const child = spawn(process.execPath, [path.join(benchDir, 'lib', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve) => {
    const check = () => (output.includes('ready') ? resolve() : setTimeout(check, 5));
    check();
  });
  return {
    async stop(): Promise<Counts> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(output.split('\n').filter(Boolean).at(-1)!) as Counts;
    },
  };
}
