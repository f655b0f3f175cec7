// An anchor: a bare node:net TCP pipe, the floor of what any Node front costs (no HTTP at all, so no switching,
// no draining, no pages: it cannot be a slot front, only show what the bytes alone cost).
import net from 'node:net';

const [listenPort, targetPort] = process.argv.slice(2).map(Number);
net
  .createServer((client) => {
    const upstream = net.connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
    client.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  })
  .listen(listenPort, '127.0.0.1');
