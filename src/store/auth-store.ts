// Queries over the admin credentials: the password hash, one-time login codes, sessions and API tokens. Only
// hashes are stored: a copy of state.db lets nobody sign in.
import type { Db } from './open-store.js';

type Row = Record<string, any>;

export type TokenRole = 'read' | 'deploy' | 'manage' | 'admin';

export interface ApiTokenRecord {
  id: string;
  name: string;
  role: TokenRole;
  /** The slots the token may act on; null for every slot. */
  slots: string[] | null;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
}

const toToken = (row: Row): ApiTokenRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  slots: row.slots_json ? JSON.parse(row.slots_json) : null,
  createdBy: row.created_by,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at ?? null,
});

export function createAuthStore(db: Db, now: () => number = Date.now) {
  return {
    passwordHash(): string | null {
      return (db.prepare('SELECT hash FROM admin_password WHERE id = 1').pluck().get() as string | undefined) ?? null;
    },
    /** Sets the password and ends every session and unused login code: whoever had access must sign in again. */
    setPasswordHash(hash: string): void {
      db.transaction(() => {
        db.prepare('INSERT OR REPLACE INTO admin_password (id, hash, updated_at) VALUES (1, ?, ?)').run(hash, now());
        db.prepare('DELETE FROM sessions').run();
        db.prepare('DELETE FROM login_codes').run();
      })();
    },

    addLoginCode(codeHash: string, expiresAt: number): void {
      db.prepare('DELETE FROM login_codes WHERE expires_at <= ?').run(now());
      db.prepare('INSERT INTO login_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)').run(codeHash, now(), expiresAt);
    },
    /** Uses up a login code: true only for the first use of a code that has not expired. */
    takeLoginCode(codeHash: string): boolean {
      const info = db.prepare('DELETE FROM login_codes WHERE code_hash = ? AND expires_at > ?').run(codeHash, now());
      return info.changes === 1;
    },
    hasLiveLoginCode(): boolean {
      return db.prepare('SELECT 1 FROM login_codes WHERE expires_at > ?').get(now()) !== undefined;
    },

    addSession(idHash: string, expiresAt: number, userAgent: string | null): void {
      db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now());
      db.prepare('INSERT INTO sessions (id_hash, created_at, expires_at, user_agent) VALUES (?, ?, ?, ?)').run(idHash, now(), expiresAt, userAgent);
    },
    sessionExists(idHash: string): boolean {
      return db.prepare('SELECT 1 FROM sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now()) !== undefined;
    },
    deleteSession(idHash: string): void {
      db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
    },

    addToken(token: Omit<ApiTokenRecord, 'createdAt' | 'lastUsedAt'>, tokenHash: string): ApiTokenRecord {
      const createdAt = now();
      db.prepare('INSERT INTO api_tokens (id, name, token_hash, role, slots_json, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        token.id,
        token.name,
        tokenHash,
        token.role,
        token.slots ? JSON.stringify(token.slots) : null,
        token.createdBy,
        createdAt,
      );
      return { ...token, createdAt, lastUsedAt: null };
    },
    tokenByName(name: string): ApiTokenRecord | undefined {
      const row = db.prepare('SELECT * FROM api_tokens WHERE name = ?').get(name) as Row | undefined;
      return row ? toToken(row) : undefined;
    },
    /** Finds the token with this hash and records that it was used. */
    useToken(tokenHash: string): ApiTokenRecord | undefined {
      const row = db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
      if (!row) return undefined;
      db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now(), row.id);
      return toToken(row);
    },
    listTokens(): ApiTokenRecord[] {
      return (db.prepare('SELECT * FROM api_tokens ORDER BY created_at').all() as Row[]).map(toToken);
    },
    deleteToken(id: string): boolean {
      return db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes === 1;
    },
  };
}

export type AuthStore = ReturnType<typeof createAuthStore>;
