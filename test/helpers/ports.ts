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
