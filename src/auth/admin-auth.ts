// Who is calling the admin API: the owner's browser (a session from a password or a one-time login code), the CLI
// (a token in a 0600 file under BERTH_HOME) or an automation token with a role and a set of slots.
import { randomBytes } from 'node:crypto';
import { BerthError } from '../errors/berth-error.js';
import type { ApiTokenRecord, AuthStore, TokenRole } from '../store/auth-store.js';
import { hashPassword, normaliseLoginCode, randomLoginCode, randomToken, sameSecret, sha256, verifyPassword } from './passwords.js';
import { createRateLimiter } from './rate-limit.js';

export interface Principal {
  kind: 'session' | 'cli' | 'token';
  /** Recorded on deployments and events: "ui", "cli" or "token:<name>". */
  actor: string;
  role: TokenRole;
  /** Slots it may act on; null for all. */
  slots: string[] | null;
}

export const ROLE_ORDER: readonly TokenRole[] = ['read', 'deploy', 'manage', 'admin'];
export const TOKEN_PREFIX = 'berth_';
export const SESSION_COOKIE = 'berth_session';
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
export const LOGIN_CODE_TTL_MS = 15 * 60_000;
const MIN_PASSWORD = 10;

export function createAdminAuth(deps: { store: AuthStore; cliToken: string; now?: () => number }) {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const limiter = createRateLimiter({ limit: 10, windowMs: 15 * 60_000, now });
  const cli: Principal = { kind: 'cli', actor: 'cli', role: 'admin', slots: null };
  const session: Principal = { kind: 'session', actor: 'ui', role: 'admin', slots: null };

  function newSession(userAgent: string | null): string {
    const id = randomToken();
    store.addSession(sha256(id), now() + SESSION_TTL_MS, userAgent?.slice(0, 200) ?? null);
    return id;
  }

  return {
    hasPassword: () => store.passwordHash() !== null,

    /** A new single-use code, valid for 15 minutes; only its hash is kept. */
    issueLoginCode(): { code: string; expiresAt: number } {
      const code = randomLoginCode();
      const expiresAt = now() + LOGIN_CODE_TTL_MS;
      store.addLoginCode(sha256(normaliseLoginCode(code)), expiresAt);
      return { code, expiresAt };
    },
    hasLiveLoginCode: () => store.hasLiveLoginCode(),

    /** Signs in with the password or a one-time code; returns the new session id (for the cookie). */
    async login(secret: string, client: { address: string; userAgent: string | null }): Promise<string> {
      const wait = limiter.retryAfter(client.address);
      if (wait > 0) {
        throw new BerthError('ERR_LOGIN_RATE_LIMITED', `Too many failed sign-ins from ${client.address}; try again in ${Math.ceil(wait / 1000)} s.`, { details: { retryAfterSeconds: Math.ceil(wait / 1000) } });
      }
      const code = normaliseLoginCode(secret);
      let ok = /^[A-Z2-9]{12}$/.test(code) && store.takeLoginCode(sha256(code));
      const hash = store.passwordHash();
      if (!ok && hash) ok = await verifyPassword(secret, hash);
      if (!ok) {
        limiter.fail(client.address);
        throw new BerthError('ERR_LOGIN_FAILED', 'That password or login code is not right (a login code works once, for 15 minutes).');
      }
      limiter.reset(client.address);
      return newSession(client.userAgent);
    },
    logout(sessionId: string): void {
      store.deleteSession(sha256(sessionId));
    },
    async setPassword(password: string): Promise<void> {
      if (password.length < MIN_PASSWORD) {
        throw new BerthError('ERR_PASSWORD_WEAK', `The new password has ${password.length} characters; berth needs at least ${MIN_PASSWORD}.`);
      }
      store.setPasswordHash(await hashPassword(password));
    },

    /** The caller of a request, from its Authorization header or session cookie; null when it has neither. */
    identify(headers: { authorization?: string; cookie?: string }): Principal | null {
      const auth = headers.authorization ?? '';
      if (auth.startsWith('Bearer ')) {
        const given = auth.slice(7).trim();
        if (given.startsWith(TOKEN_PREFIX)) {
          const token = store.useToken(sha256(given));
          return token ? { kind: 'token', actor: `token:${token.name}`, role: token.role, slots: token.slots } : null;
        }
        return sameSecret(given, deps.cliToken) ? cli : null;
      }
      const id = readCookie(headers.cookie, SESSION_COOKIE);
      return id && store.sessionExists(sha256(id)) ? session : null;
    },

    createToken(input: { name: string; role: TokenRole; slots: string[] | null }, createdBy: string): { token: string; record: ApiTokenRecord } {
      if (store.tokenByName(input.name)) {
        throw new BerthError('ERR_TOKEN_EXISTS', `There is already a token named "${input.name}".`, { details: { name: input.name } });
      }
      const token = `${TOKEN_PREFIX}${randomToken()}`;
      const record = store.addToken({ id: randomBytes(6).toString('hex'), name: input.name, role: input.role, slots: input.slots, createdBy }, sha256(token));
      return { token, record };
    },
    listTokens: () => store.listTokens(),
    revokeToken(idOrName: string): ApiTokenRecord {
      const found = store.listTokens().find((token) => token.id === idOrName || token.name === idOrName);
      if (!found) {
        throw new BerthError('ERR_TOKEN_UNKNOWN', `There is no API token "${idOrName}".`, { details: { token: idOrName } });
      }
      store.deleteToken(found.id);
      return found;
    },
  };
}

/** Whether the principal may do what needs `role`, on `slot` when the action concerns one. */
export function allows(principal: Principal, role: TokenRole, slot?: string | null): boolean {
  if (ROLE_ORDER.indexOf(principal.role) < ROLE_ORDER.indexOf(role)) return false;
  return !slot || principal.slots === null || principal.slots.includes(slot);
}

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}

export type AdminAuth = ReturnType<typeof createAdminAuth>;
