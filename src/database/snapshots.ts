// Snapshots, restores, resets and clones of slot databases, all server-side copies (CREATE DATABASE … TEMPLATE).
// Anything that replaces a slot's data first keeps what it had as an automatic snapshot, so it can be undone.
import { randomBytes } from 'node:crypto';
import { BerthError } from '../errors/berth-error.js';
import type { DatabaseStore, SlotDatabaseRecord, SnapshotRecord } from '../store/database-store.js';
import { withAdmin } from './admin-sql.js';
import { copyToSnapshot, dropDatabase, replaceDatabase } from './copy-sql.js';

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const newSnapshotDatabase = () => `berth_snapshot_${randomBytes(8).toString('hex')}`;

export interface SnapshotDeps {
  store: DatabaseStore;
  /** The admin URL of the running server. */
  server(): Promise<string>;
  enabledRecord(slot: string): SlotDatabaseRecord;
  event(slot: string, type: string, message: string, actor: string | null): void;
  now?: () => number;
}

export function createSnapshotOps(deps: SnapshotDeps) {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const stamp = () => new Date(now()).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const ended = (count: number) => (count > 0 ? `; ${count} open connection(s) of the slot were ended for the copy` : '');

  async function take(record: SlotDatabaseRecord, name: string): Promise<{ snapshot: SnapshotRecord; endedConnections: number }> {
    if (!NAME.test(name)) {
      throw new BerthError('ERR_DB_SNAPSHOT_NAME', `"${name}" is not a snapshot name.`, { details: { name } });
    }
    if (store.snapshot(record.slot, name)) {
      throw new BerthError('ERR_DB_SNAPSHOT_EXISTS', `Slot ${record.slot} already has a snapshot "${name}".`, { details: { slot: record.slot, name } });
    }
    const database = newSnapshotDatabase();
    const endedConnections = await withAdmin(await deps.server(), (client) => copyToSnapshot(client, record.database, database));
    return { snapshot: store.addSnapshot({ slot: record.slot, name, database, auto: false }), endedConnections };
  }

  function find(slot: string, name: string): SnapshotRecord {
    const snapshot = store.snapshot(slot, name);
    if (!snapshot) {
      const known = store.snapshots(slot).map((entry) => entry.name);
      throw new BerthError('ERR_DB_SNAPSHOT_UNKNOWN', `Slot ${slot} has no snapshot "${name}"; it has ${known.length ? known.join(', ') : 'none'}.`, { details: { slot, name, known } });
    }
    return snapshot;
  }

  /** Replaces the slot's data; what it had becomes an automatic snapshot (by rename, not by copy). */
  async function replace(record: SlotDatabaseRecord, why: string, from: Parameters<typeof replaceDatabase>[3], actor: string | null): Promise<{ kept: string; endedConnections: number }> {
    const kept = `before-${why}-${stamp()}-${randomBytes(2).toString('hex')}`;
    const database = newSnapshotDatabase();
    const adminUrl = await deps.server();
    const endedConnections = await withAdmin(adminUrl, (client) => replaceDatabase(client, adminUrl, record, from, database));
    store.addSnapshot({ slot: record.slot, name: kept, database, auto: true });
    deps.event(record.slot, `db.${why}`, `database of slot ${record.slot}: ${why} done; the previous data is kept as snapshot ${kept}${ended(endedConnections)}`, actor);
    return { kept, endedConnections };
  }

  return {
    async snapshot(slot: string, name: string | undefined, actor: string | null = null): Promise<SnapshotRecord> {
      const record = deps.enabledRecord(slot);
      const { snapshot, endedConnections } = await take(record, name ?? stamp());
      deps.event(slot, 'db.snapshot', `snapshot ${snapshot.name} of slot ${slot}'s database taken${ended(endedConnections)}`, actor);
      return snapshot;
    },
    async list(slot: string): Promise<Array<SnapshotRecord & { sizeBytes: number }>> {
      deps.enabledRecord(slot);
      const snapshots = store.snapshots(slot);
      if (snapshots.length === 0) return [];
      const sizes = await withAdmin(await deps.server(), async (client) => {
        const { rows } = await client.query<{ datname: string; size: string }>('SELECT datname, pg_database_size(datname) AS size FROM pg_database WHERE datname = ANY($1)', [snapshots.map((entry) => entry.database)]);
        return new Map(rows.map((row) => [row.datname, Number(row.size)]));
      });
      return snapshots.map((entry) => ({ ...entry, sizeBytes: sizes.get(entry.database) ?? 0 }));
    },
    async restore(slot: string, name: string, actor: string | null = null) {
      const record = deps.enabledRecord(slot);
      const snapshot = find(slot, name);
      return replace(record, 'restore', { template: snapshot.database, live: false, owner: null }, actor);
    },
    async reset(slot: string, actor: string | null = null) {
      return replace(deps.enabledRecord(slot), 'reset', null, actor);
    },
    /** Gives `slot` a copy of `from`'s data, owned by `slot`'s own role. */
    async clone(slot: string, from: string, actor: string | null = null) {
      const source = deps.enabledRecord(from);
      return replace(deps.enabledRecord(slot), 'clone', { template: source.database, live: true, owner: source.role }, actor);
    },
    async remove(slot: string, name: string, actor: string | null = null): Promise<void> {
      deps.enabledRecord(slot);
      const snapshot = find(slot, name);
      await withAdmin(await deps.server(), (client) => dropDatabase(client, snapshot.database));
      store.removeSnapshot(slot, name);
      deps.event(slot, 'db.snapshot-deleted', `snapshot ${name} of slot ${slot} deleted`, actor);
    },
    /** Drops every snapshot of a slot (with --drop of its database). */
    async dropAll(slot: string): Promise<void> {
      const snapshots = store.snapshots(slot);
      if (snapshots.length === 0) return;
      await withAdmin(await deps.server(), async (client) => {
        for (const snapshot of snapshots) await dropDatabase(client, snapshot.database);
      });
      for (const snapshot of snapshots) store.removeSnapshot(slot, snapshot.name);
    },
  };
}

export type SnapshotOps = ReturnType<typeof createSnapshotOps>;
