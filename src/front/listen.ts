// Starts a server listening, turning "address in use" into an error that names the process holding the port.
import type { Server } from 'node:net';
import { BerthError } from '../errors/berth-error.js';
import { describePortOwner } from '../supervisor/ports.js';

export function listenOn(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new BerthError('ERR_PORT_IN_USE', `Port ${port} (${what}) on ${host} is already in use by ${describePortOwner(port)}.`, {
            details: { port, host, what },
          }),
        );
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port });
  });
}
