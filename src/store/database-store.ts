// The per-slot database records: which slots have one, its names and its role's password (needed to hand the app
// its DATABASE_URL; masked in every answer and log).
import type { Db } from './open-store.js';

export interface SlotDatabaseRecord {
  slot: string;
  enabled: boolean;
  database: string;
  role: string;
  password: string;
  createdAt: number;
}

export interface SnapshotRecord {
  slot: string;
  name: string;
  /** The copy's own database on the server (nobody may connect to it). */
  database: string;
  /** Made by berth before a restore, reset or clone, so that one can be undone. */
  auto: boolean;
  /** A second copy (`<database>_ready`) exists, so a restore can rename it into place instead of copying. */
  ready: boolean;
  createdAt: number;
}

type Row = Record<string, any>;
const toSnapshot = (row: Row): SnapshotRecord => ({ slot: row.slot, name: row.name, database: row.database, auto: row.auto === 1, ready: row.ready === 1, createdAt: row.created_at });
const toRecord = (row: Row): SlotDatabaseRecord => ({ slot: row.slot, enabled: row.enabled === 1, database: row.database, role: row.role, password: row.password, createdAt: row.created_at });

export function createDatabaseStore(db: Db, now: () => number = Date.now) {
  return {
    get(slot: string): SlotDatabaseRecord | undefined {
      const row = db.prepare('SELECT * FROM slot_databases WHERE slot = ?').get(slot) as Row | undefined;
      return row ? toRecord(row) : undefined;
    },
    list(): SlotDatabaseRecord[] {
      return (db.prepare('SELECT * FROM slot_databases ORDER BY slot').all() as Row[]).map(toRecord);
    },
    save(record: Omit<SlotDatabaseRecord, 'createdAt'>): void {
      db.prepare(
        `INSERT INTO slot_databases (slot, enabled, database, role, password, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (slot) DO UPDATE SET enabled = excluded.enabled, database = excluded.database, role = excluded.role, password = excluded.password`,
      ).run(record.slot, record.enabled ? 1 : 0, record.database, record.role, record.password, now());
    },
    remove(slot: string): void {
      db.prepare('DELETE FROM slot_databases WHERE slot = ?').run(slot);
    },

    snapshots(slot: string): SnapshotRecord[] {
      return (db.prepare('SELECT * FROM db_snapshots WHERE slot = ? ORDER BY created_at DESC, name').all(slot) as Row[]).map(toSnapshot);
    },
    snapshot(slot: string, name: string): SnapshotRecord | undefined {
      const row = db.prepare('SELECT * FROM db_snapshots WHERE slot = ? AND name = ?').get(slot, name) as Row | undefined;
      return row ? toSnapshot(row) : undefined;
    },
    addSnapshot(snapshot: Omit<SnapshotRecord, 'createdAt' | 'ready'>): SnapshotRecord {
      const createdAt = now();
      db.prepare('INSERT INTO db_snapshots (slot, name, database, auto, created_at) VALUES (?, ?, ?, ?, ?)').run(snapshot.slot, snapshot.name, snapshot.database, snapshot.auto ? 1 : 0, createdAt);
      return { ...snapshot, ready: false, createdAt };
    },
    setReady(slot: string, name: string, ready: boolean): void {
      db.prepare('UPDATE db_snapshots SET ready = ? WHERE slot = ? AND name = ?').run(ready ? 1 : 0, slot, name);
    },
    removeSnapshot(slot: string, name: string): void {
      db.prepare('DELETE FROM db_snapshots WHERE slot = ? AND name = ?').run(slot, name);
    },
  };
}

export type DatabaseStore = ReturnType<typeof createDatabaseStore>;
