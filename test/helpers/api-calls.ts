// Raw calls to a test daemon's admin API, as a browser or a script would make them (no typed client): with a
// session cookie, a bearer token, an Origin, or nothing at all.
import assert from 'node:assert/strict';
import type { TestDaemon } from './test-daemon.js';

export interface CallOptions {
  method?: string;
  body?: unknown;
  cookie?: string;
  token?: string;
  origin?: string;
  headers?: Record<string, string>;
}

export interface CallAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function call(berth: TestDaemon, path: string, options: CallOptions = {}): Promise<CallAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.origin) headers.origin = options.origin;
  const response = await fetch(`${berth.info.apiUrl}${path}`, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), redirect: 'manual' });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a stream or a page).
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Signs in as a browser would (same origin) and returns the session cookie ("berth_session=…"). */
export async function signIn(berth: TestDaemon, secret: string): Promise<string> {
  const answer = await call(berth, '/api/v1/auth/login', { method: 'POST', body: { secret }, origin: berth.info.apiUrl });
  assert.equal(answer.status, 200, answer.text);
  const cookie = answer.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0];
}

/** The admin's own origin, for state-changing calls made like the UI makes them. */
export const sameOrigin = (berth: TestDaemon) => berth.info.apiUrl;
