// Snapshots, restores, resets and clones of slot databases, all server-side copies (CREATE DATABASE … TEMPLATE).
// Anything that replaces a slot's data first keeps what it had as an automatic snapshot, so it can be undone.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { BerthError } from '../errors/berth-error.js';
import type { DatabaseStore, SlotDatabaseRecord, SnapshotRecord } from '../store/database-store.js';
import { withAdmin } from './admin-sql.js';
import { copyToSnapshot, dropDatabase, makeReadyCopy, readyCopyName, replaceDatabase, swapIn } from './copy-sql.js';

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
  const admin = async <T>(work: (client: pg.Client) => Promise<T>) => withAdmin(await deps.server(), work);

  // One copy operation at a time: copies are bound by the disk anyway, a template cannot be copied while another
  // copy or a drop uses it, and two replacements of one slot would share its staging database.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  }

  function find(slot: string, name: string): SnapshotRecord {
    const snapshot = store.snapshot(slot, name);
    if (!snapshot) {
      const known = store.snapshots(slot).map((entry) => entry.name);
      throw new BerthError('ERR_DB_SNAPSHOT_UNKNOWN', `Slot ${slot} has no snapshot "${name}"; it has ${known.length ? known.join(', ') : 'none'}.`, { details: { slot, name, known } });
    }
    return snapshot;
  }

  /**
   * Keeps the slot's newest named snapshot ready to restore by rename — the usual undo of a migration gone wrong —
   * and only that one, since each ready copy costs the snapshot's size on disk. Runs in the background.
   */
  function keepNewestReady(slot: string): void {
    serial(async () => {
      const record = store.get(slot);
      const [newest, ...older] = store.snapshots(slot).filter((entry) => !entry.auto);
      const stale = older.filter((entry) => entry.ready);
      if (!record?.enabled || (stale.length === 0 && (!newest || newest.ready))) return;
      await admin(async (client) => {
        for (const entry of stale) {
          store.setReady(slot, entry.name, false);
          await dropDatabase(client, readyCopyName(entry.database));
        }
        if (newest && !newest.ready) {
          await makeReadyCopy(client, newest.database, record);
          store.setReady(slot, newest.name, true);
        }
      });
    }).catch((error: Error) => {
      deps.event(slot, 'db.warning', `the ready copy of slot ${slot}'s newest snapshot could not be made, so restoring it will copy it: ${error.message}`, null);
    });
  }

  /** Replaces the slot's data by `swap`; what it had becomes an automatic snapshot (by rename, not by copy). */
  async function replace(record: SlotDatabaseRecord, why: string, actor: string | null, swap: (client: pg.Client, adminUrl: string, keepAs: string) => Promise<number>) {
    const kept = `before-${why}-${stamp()}-${randomBytes(2).toString('hex')}`;
    const database = newSnapshotDatabase();
    const adminUrl = await deps.server();
    const endedConnections = await withAdmin(adminUrl, (client) => swap(client, adminUrl, database));
    store.addSnapshot({ slot: record.slot, name: kept, database, auto: true });
    deps.event(record.slot, `db.${why}`, `database of slot ${record.slot}: ${why} done; the previous data is kept as snapshot ${kept}${ended(endedConnections)}`, actor);
    return { kept, endedConnections };
  }

  /** Restores by renaming the snapshot's ready copy into place; the ready copy is then made again in the background. */
  function restoreReady(record: SlotDatabaseRecord, snapshot: SnapshotRecord, actor: string | null) {
    store.setReady(record.slot, snapshot.name, false);
    return replace(record, 'restore', actor, async (client, _adminUrl, keepAs) => {
      const ready = readyCopyName(snapshot.database);
      try {
        return await swapIn(client, record, ready, keepAs);
      } catch (error) {
        await dropDatabase(client, ready).catch(() => undefined);
        throw error;
      }
    });
  }

  return {
    async snapshot(slot: string, name: string | undefined, actor: string | null = null): Promise<SnapshotRecord> {
      const record = deps.enabledRecord(slot);
      const chosen = name ?? stamp();
      if (!NAME.test(chosen)) throw new BerthError('ERR_DB_SNAPSHOT_NAME', `"${chosen}" is not a snapshot name.`, { details: { name: chosen } });
      const snapshot = await serial(async () => {
        if (store.snapshot(slot, chosen)) throw new BerthError('ERR_DB_SNAPSHOT_EXISTS', `Slot ${slot} already has a snapshot "${chosen}".`, { details: { slot, name: chosen } });
        const database = newSnapshotDatabase();
        const endedConnections = await admin((client) => copyToSnapshot(client, record.database, database));
        deps.event(slot, 'db.snapshot', `snapshot ${chosen} of slot ${slot}'s database taken${ended(endedConnections)}`, actor);
        return store.addSnapshot({ slot, name: chosen, database, auto: false });
      });
      keepNewestReady(slot);
      return snapshot;
    },
    async list(slot: string): Promise<Array<SnapshotRecord & { sizeBytes: number }>> {
      deps.enabledRecord(slot);
      const snapshots = store.snapshots(slot);
      if (snapshots.length === 0) return [];
      const sizes = await admin(async (client) => {
        const { rows } = await client.query<{ datname: string; size: string }>('SELECT datname, pg_database_size(datname) AS size FROM pg_database WHERE datname = ANY($1)', [snapshots.map((entry) => entry.database)]);
        return new Map(rows.map((row) => [row.datname, Number(row.size)]));
      });
      return snapshots.map((entry) => ({ ...entry, sizeBytes: sizes.get(entry.database) ?? 0 }));
    },
    async restore(slot: string, name: string, actor: string | null = null) {
      const record = deps.enabledRecord(slot);
      find(slot, name);
      const result = await serial(async () => {
        const snapshot = find(slot, name);
        if (snapshot.ready) return restoreReady(record, snapshot, actor);
        return replace(record, 'restore', actor, (client, adminUrl, keepAs) => replaceDatabase(client, adminUrl, record, { template: snapshot.database, live: false, owner: null }, keepAs));
      });
      keepNewestReady(slot);
      return result;
    },
    async reset(slot: string, actor: string | null = null) {
      const record = deps.enabledRecord(slot);
      return serial(() => replace(record, 'reset', actor, (client, adminUrl, keepAs) => replaceDatabase(client, adminUrl, record, null, keepAs)));
    },
    /** Gives `slot` a copy of `from`'s data, owned by `slot`'s own role. */
    async clone(slot: string, from: string, actor: string | null = null) {
      const source = deps.enabledRecord(from);
      const record = deps.enabledRecord(slot);
      const template = { template: source.database, live: true, owner: source.role };
      return serial(() => replace(record, 'clone', actor, (client, adminUrl, keepAs) => replaceDatabase(client, adminUrl, record, template, keepAs)));
    },
    async remove(slot: string, name: string, actor: string | null = null): Promise<void> {
      deps.enabledRecord(slot);
      await serial(async () => {
        const snapshot = find(slot, name);
        await admin(async (client) => {
          await dropDatabase(client, readyCopyName(snapshot.database));
          await dropDatabase(client, snapshot.database);
        });
        store.removeSnapshot(slot, name);
      });
      deps.event(slot, 'db.snapshot-deleted', `snapshot ${name} of slot ${slot} deleted`, actor);
      keepNewestReady(slot);
    },
    /** Drops every snapshot of a slot (with --drop of its database). */
    async dropAll(slot: string): Promise<void> {
      await serial(async () => {
        const snapshots = store.snapshots(slot);
        if (snapshots.length === 0) return;
        await admin(async (client) => {
          for (const snapshot of snapshots) {
            await dropDatabase(client, readyCopyName(snapshot.database));
            await dropDatabase(client, snapshot.database);
          }
        });
        for (const snapshot of snapshots) store.removeSnapshot(slot, snapshot.name);
      });
    },
    /** Resolves once no copy is running or waiting (before the server stops). */
    idle: () => serial(async () => undefined),
  };
}

export type SnapshotOps = ReturnType<typeof createSnapshotOps>;
