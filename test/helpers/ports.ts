// Free loopback ports for tests: the kernel picks them (port 0), so parallel test files never collide.
import net from 'node:net';

export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * A range of internal ports unlikely to be used by another test daemon running at the same time. It stays below the
 * kernel's ephemeral range (32768 and up), where getFreePort's ports come from, so the two never collide.
 */
export function randomPortRange(size = 100): { from: number; to: number } {
  const from = 20_000 + Math.floor(Math.random() * 120) * size;
  return { from, to: from + size - 1 };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports (Convex backends take an API port and the next one). */
export async function getFreePortRun(count: number): Promise<number> {
  for (;;) {
    const first = await getFreePort();
    let free = true;
    for (let offset = 1; offset < count && free; offset++) free = await canListen(first + offset);
    if (free) return first;
  }
}
