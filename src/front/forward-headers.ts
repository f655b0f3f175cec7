// Header rules of the reverse proxy: hop-by-hop headers dropped, X-Forwarded-* added.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate'];

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = { ...headers };
  // Headers named in Connection are hop-by-hop too.
  const named = typeof headers.connection === 'string' ? headers.connection.split(',').map((name) => name.trim().toLowerCase()) : [];
  for (const name of [...HOP_BY_HOP, ...named]) delete result[name];
  return result;
}

export function requestHeadersFor(req: IncomingMessage, upgrade: boolean): OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const clientIp = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${prior}, ${clientIp}` : clientIp;
  // Keep what a proxy in front (the Coder proxy terminating TLS) already said.
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-host'] ??= req.headers.host ?? '';
  if (upgrade) {
    headers.connection = 'upgrade';
    headers.upgrade = req.headers.upgrade;
  }
  return headers;
}

export function responseHeadersFor(upstream: IncomingMessage): OutgoingHttpHeaders {
  return withoutHopByHop(upstream.headers);
}

/** The raw head of an HTTP/1.1 response, for answering on a bare socket (upgrades). */
export function rawResponseHead(status: number, message: string, rawHeaders: string[]): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let index = 0; index < rawHeaders.length; index += 2) head += `${rawHeaders[index]}: ${rawHeaders[index + 1]}\r\n`;
  return `${head}\r\n`;
}
