// The webhook delivery log (the newest few hundred, what each delivery was and what berth did with it) and the
// optional per-slot webhook secrets.
import type { PushSummary } from '../hooks/payloads.js';
import type { Db } from './open-store.js';

export type DeliveryOutcome = 'queued' | 'ignored' | 'rejected' | 'duplicate' | 'pong';

/** What one slot that tracks the pushed repository made of the delivery. */
export interface DeliveryRoute {
  slot: string;
  /** The deployment it started (or updated, in a burst); null when the slot let it pass. */
  deployment: string | null;
  note: string;
}

export interface DeliveryRecord {
  id: number;
  source: string;
  deliveryId: string | null;
  receivedAt: number;
  address: string | null;
  event: string | null;
  repo: string | null;
  ref: string | null;
  commit: string | null;
  signature: string;
  /** Whose secret verified it: "workspace" or "slot:<name>". */
  scope: string | null;
  outcome: DeliveryOutcome;
  reason: string;
  routes: DeliveryRoute[];
  /** What routing read from it, kept so the delivery can be routed again (redelivered) from the log. */
  push: PushSummary | null;
}

export type NewDelivery = Omit<DeliveryRecord, 'id'> & { bodySha256: string };

type Row = Record<string, any>;
const toDelivery = (row: Row): DeliveryRecord => ({
  id: row.id,
  source: row.source,
  deliveryId: row.delivery_id,
  receivedAt: row.received_at,
  address: row.address,
  event: row.event,
  repo: row.repo,
  ref: row.ref,
  commit: row.commit_sha,
  signature: row.signature,
  scope: row.scope,
  outcome: row.outcome,
  reason: row.reason,
  routes: JSON.parse(row.routes_json),
  push: row.push_json ? JSON.parse(row.push_json) : null,
});

export function createHookStore(db: Db, keep: number, now: () => number = Date.now) {
  return {
    add(delivery: NewDelivery): DeliveryRecord {
      const result = db
        .prepare(
          `INSERT INTO hook_deliveries (source, delivery_id, body_sha256, received_at, address, event, repo, ref, commit_sha, signature, scope, outcome, reason, push_json, routes_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          delivery.source,
          delivery.deliveryId,
          delivery.bodySha256,
          delivery.receivedAt,
          delivery.address,
          delivery.event,
          delivery.repo,
          delivery.ref,
          delivery.commit,
          delivery.signature,
          delivery.scope,
          delivery.outcome,
          delivery.reason,
          delivery.push ? JSON.stringify(delivery.push) : null,
          JSON.stringify(delivery.routes),
        );
      db.prepare('DELETE FROM hook_deliveries WHERE id <= ?').run(Number(result.lastInsertRowid) - keep);
      return this.get(Number(result.lastInsertRowid))!;
    },
    get(id: number): DeliveryRecord | undefined {
      const row = db.prepare('SELECT * FROM hook_deliveries WHERE id = ?').get(id) as Row | undefined;
      return row ? toDelivery(row) : undefined;
    },
    /** An earlier verified delivery with the same id from the same sender, or the same signed body: a replay. */
    findVerified(source: string, deliveryId: string | null, bodySha256: string): DeliveryRecord | undefined {
      const row = db
        .prepare(
          `SELECT * FROM hook_deliveries WHERE signature = 'valid' AND outcome != 'duplicate'
             AND ((source = ? AND delivery_id = ?) OR body_sha256 = ?) ORDER BY id LIMIT 1`,
        )
        .get(source, deliveryId, bodySha256) as Row | undefined;
      return row ? toDelivery(row) : undefined;
    },
    /** Newest first; with a slot, only deliveries about the repository it tracks. */
    list(options: { slot?: string; limit?: number } = {}): DeliveryRecord[] {
      const limit = Math.min(options.limit ?? 100, keep);
      const rows = options.slot
        ? db.prepare(`SELECT * FROM hook_deliveries d WHERE EXISTS (SELECT 1 FROM json_each(d.routes_json) r WHERE json_extract(r.value, '$.slot') = ?) ORDER BY id DESC LIMIT ?`).all(options.slot, limit)
        : db.prepare('SELECT * FROM hook_deliveries ORDER BY id DESC LIMIT ?').all(limit);
      return (rows as Row[]).map(toDelivery);
    },

    slotSecret(slot: string): string | null {
      return (db.prepare('SELECT secret FROM hook_slot_secrets WHERE slot = ?').pluck().get(slot) as string | undefined) ?? null;
    },
    slotSecrets(): Array<{ slot: string; secret: string }> {
      return db.prepare('SELECT slot, secret FROM hook_slot_secrets ORDER BY slot').all() as Array<{ slot: string; secret: string }>;
    },
    setSlotSecret(slot: string, secret: string | null): void {
      if (secret === null) db.prepare('DELETE FROM hook_slot_secrets WHERE slot = ?').run(slot);
      else db.prepare('INSERT INTO hook_slot_secrets (slot, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (slot) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at').run(slot, secret, now());
    },
  };
}

export type HookStore = ReturnType<typeof createHookStore>;
