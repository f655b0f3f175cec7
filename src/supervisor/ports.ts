// Port checks: is a port free, who holds it, and handing out free internal ports to apps.
import fs from 'node:fs';
import net from 'node:net';
import { readCommandLine } from './proc.js';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortOwner {
  pid: number;
  command: string;
}

/** Finds the process listening on a TCP port by matching socket inodes in /proc/net and /proc/<pid>/fd. */
export function findPortOwner(port: number): PortOwner | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = parseInt(fields[1].split(':')[1], 16);
      const listening = fields[3] === '0A';
      if (localPort === port && listening) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match && inodes.has(match[1])) return { pid: Number(entry), command: readCommandLine(Number(entry)) };
    }
  }
  return null;
}

export function describePortOwner(port: number): string {
  const owner = findPortOwner(port);
  return owner ? `pid ${owner.pid} (${owner.command})` : 'another process (its pid is not visible to berth)';
}

/** Hands out internal ports from a range, skipping ports that are taken or already handed out. */
export function createPortAllocator(range: { from: number; to: number }, host = '127.0.0.1') {
  const leased = new Set<number>();
  let cursor = range.from;
  return {
    async allocate(): Promise<number> {
      const size = range.to - range.from + 1;
      for (let tried = 0; tried < size; tried++) {
        const port = cursor;
        cursor = cursor >= range.to ? range.from : cursor + 1;
        if (leased.has(port)) continue;
        if (await isPortFree(port, host)) {
          leased.add(port);
          return port;
        }
      }
      throw new Error(`no free port in ${range.from}-${range.to}`);
    },
    release(port: number): void {
      leased.delete(port);
    },
  };
}

export type PortAllocator = ReturnType<typeof createPortAllocator>;
