// Starts bench/lib/load-client.mjs against a URL and collects its counts when stopped.
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

export async function startLoad(url: string, connections = 16) {
  const child = spawn(process.execPath, [path.join(benchDir, 'lib', 'load-client.mjs'), url, String(connections)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve) => {
    const check = () => (output.includes('ready') ? resolve() : setTimeout(check, 5));
    check();
  });
  return {
    async stop(): Promise<LoadCounts> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(output.split('\n').filter(Boolean).at(-1)!);
    },
  };
}

export interface WebSocketCounts {
  echoes: number;
  /** Closes with 1001 (a drained release), after which the client reconnected. */
  cleanCloses: number;
  failures: number;
  kinds: Record<string, number>;
}

/** WebSocket clients (bench/lib/ws-client.mjs) that ping, expect echoes and reconnect after a clean close. */
export async function startWebSockets(url: string, clients = 4) {
  const child = spawn(process.execPath, [path.join(benchDir, 'lib', 'ws-client.mjs'), url, String(clients)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve) => {
    const check = () => (output.includes('ready') ? resolve() : setTimeout(check, 5));
    check();
  });
  return {
    async stop(): Promise<WebSocketCounts> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(output.split('\n').filter(Boolean).at(-1)!);
    },
  };
}
