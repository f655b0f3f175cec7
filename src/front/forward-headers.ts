// Header rules of the reverse proxy: hop-by-hop headers dropped, X-Forwarded-* added.
// Works on raw header arrays ([name, value, name, value, …]): reading req.headers would make Node build (and
// lower-case) an object for every request, which costs a measurable share of the front's throughput.
import type { IncomingMessage } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** Names listed in a Connection header are hop-by-hop too ("Connection: close, x-internal"). */
function connectionNamed(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade');
}

export interface ForwardedRequestHead {
  headers: string[];
  /** False when the request says it has no body (no Content-Length above 0, no Transfer-Encoding). */
  hasBody: boolean;
}

export function requestHeadersFor(req: IncomingMessage, upgrade: boolean): ForwardedRequestHead {
  const raw = req.rawHeaders;
  const result: string[] = [];
  let hasBody = false;
  let forwardedFor = '';
  let hasProto = false;
  let hasHost = false;
  let host = '';
  let extraHopByHop: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index].toLowerCase();
    if (name === 'connection') extraHopByHop = connectionNamed(raw[index + 1]);
    else if (name === 'transfer-encoding' || (name === 'content-length' && raw[index + 1] !== '0')) hasBody = true;
  }
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index].toLowerCase();
    const value = raw[index + 1];
    if (HOP_BY_HOP.has(name) || (extraHopByHop.length > 0 && extraHopByHop.includes(name))) continue;
    if (name === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
      continue;
    }
    if (name === 'x-forwarded-proto') hasProto = true;
    else if (name === 'x-forwarded-host') hasHost = true;
    else if (name === 'host') host = value;
    result.push(raw[index], value);
  }
  const clientIp = req.socket.remoteAddress ?? '';
  result.push('X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${clientIp}` : clientIp);
  // Keep what a proxy in front (the Coder proxy terminating TLS) already said.
  if (!hasProto) result.push('X-Forwarded-Proto', 'http');
  if (!hasHost) result.push('X-Forwarded-Host', host);
  if (upgrade) result.push('Connection', 'upgrade', 'Upgrade', String(req.headers.upgrade ?? 'websocket'));
  return { headers: result, hasBody };
}

export function responseHeadersFor(upstream: IncomingMessage): string[] {
  const raw = upstream.rawHeaders;
  const result: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    if (!HOP_BY_HOP.has(raw[index].toLowerCase())) result.push(raw[index], raw[index + 1]);
  }
  return result;
}

/** The raw head of an HTTP/1.1 response, for answering on a bare socket (upgrades). */
export function rawResponseHead(status: number, message: string, rawHeaders: string[]): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let index = 0; index < rawHeaders.length; index += 2) head += `${rawHeaders[index]}: ${rawHeaders[index + 1]}\r\n`;
  return `${head}\r\n`;
}
