// Cross-site request forgery guard: a request that changes state must come from the admin's own origin. Browsers
// send Origin on every such request; a request with a different Origin (or a cross-site Sec-Fetch-Site) is refused.
// Clients that are not browsers (the CLI, curl with a token) send no Origin and rely on their bearer token.
import type { FastifyRequest } from 'fastify';
import { BerthError } from '../errors/berth-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host the client used: the Host header, or X-Forwarded-Host when a local proxy (Coder) put one in. */
function requestHosts(request: FastifyRequest): string[] {
  const hosts = [request.headers.host];
  const forwarded = request.headers['x-forwarded-host'];
  if (typeof forwarded === 'string') hosts.push(forwarded.split(',')[0].trim());
  return hosts.filter((host): host is string => Boolean(host)).map((host) => host.toLowerCase());
}

export function originAllowed(headers: { origin?: string; 'sec-fetch-site'?: string }, hosts: string[]): boolean {
  if (headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  return hosts.includes(originHost);
}

export function checkSameOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const headers = request.headers as { origin?: string; 'sec-fetch-site'?: string; cookie?: string };
  const hosts = requestHosts(request);
  // A cookie-authenticated browser request must say where it comes from.
  const cookieWithoutOrigin = headers.origin === undefined && Boolean(headers.cookie) && !request.headers.authorization;
  if (cookieWithoutOrigin || !originAllowed(headers, hosts)) {
    throw new BerthError('ERR_CROSS_ORIGIN', `A ${request.method} from origin ${headers.origin ?? '(none)'} to ${hosts[0] ?? '(no host)'} was refused: state changes must come from the admin UI itself.`, {
      details: { origin: headers.origin ?? null, host: hosts[0] ?? null },
    });
  }
}
