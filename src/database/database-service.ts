// A Postgres database per slot: berth's embedded server (started when the first slot needs it) or an external one,
// a login role and database per slot, and the env an app (and its build) gets to reach it.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BerthPaths } from '../config/paths.js';
import type { ResolvedConfig } from '../config/schema.js';
import { BerthError } from '../errors/berth-error.js';
import type { Logger } from '../log/logger.js';
import type { DatabaseStore, SlotDatabaseRecord } from '../store/database-store.js';
import { checkAdminPrivileges, databaseFacts, dropSlotDatabase, ensureSlotDatabase, withAdmin } from './admin-sql.js';
import { createEmbeddedServer, type EmbeddedServer } from './embedded-server.js';
import { createBackupOps, runTool } from './backups.js';
import { connectionEnv, findDumpTools } from './dump-tools.js';
import { createSnapshotOps } from './snapshots.js';

export interface DatabaseServiceDeps {
  config: ResolvedConfig;
  paths: BerthPaths;
  store: DatabaseStore;
  logger: Logger;
  /** The daemon's environment, for PGURI/DATABASE_URL when the config says to use the workspace's server. */
  daemonEnv: Record<string, string | undefined>;
  /** Checks that a slot exists (throws ERR_SLOT_UNKNOWN). */
  assertSlot(slot: string): void;
  event(slot: string | null, type: string, message: string, actor?: string | null): void;
}

export function createDatabaseService(deps: DatabaseServiceDeps) {
  const { config, store } = deps;
  const externalUrl = config.database.adminUrl ?? (config.database.useWorkspaceUrl ? (deps.daemonEnv.PGURI ?? deps.daemonEnv.DATABASE_URL ?? null) : null);
  let embedded: EmbeddedServer | null = null;
  let ready: Promise<string> | null = null;

  /** The admin URL of a running server: the external one (its rights checked once), or the embedded one, started now. */
  function server(): Promise<string> {
    ready ??= (async () => {
      if (externalUrl) {
        await withAdmin(externalUrl, checkAdminPrivileges);
        return externalUrl;
      }
      embedded = createEmbeddedServer({
        dir: deps.paths.postgresDir,
        passwordFile: deps.paths.postgresPassword,
        port: config.database.port,
        logger: deps.logger,
        onEvent: (type, message) => deps.event(null, type, message),
      });
      await embedded.start();
      return embedded.adminUrl();
    })().catch((error) => {
      ready = null;
      throw error;
    });
    return ready;
  }

  /** Where apps reach the server: the embedded one on loopback, or the external server's host and port. */
  function endpoint(): { host: string; port: number } {
    if (externalUrl) {
      const url = new URL(externalUrl);
      return { host: url.hostname, port: Number(url.port || 5432) };
    }
    return { host: '127.0.0.1', port: embedded?.port ?? config.database.port };
  }

  function enabledRecord(slot: string): SlotDatabaseRecord {
    deps.assertSlot(slot);
    const record = store.get(slot);
    if (!record?.enabled) throw new BerthError('ERR_DB_NOT_ENABLED', `Slot ${slot} has no database.`, { details: { slot } });
    return record;
  }

  function urlOf(record: SlotDatabaseRecord): string {
    const { host, port } = endpoint();
    return `postgres://${encodeURIComponent(record.role)}:${encodeURIComponent(record.password)}@${host}:${port}/${encodeURIComponent(record.database)}`;
  }

  const event = (slot: string, type: string, message: string, actor: string | null) => deps.event(slot, type, message, actor);
  const snapshots = createSnapshotOps({ store, server, enabledRecord, event });
  /** The server's major version, which the dump tools must match. */
  async function serverMajor(): Promise<number> {
    const adminUrl = await server();
    if (embedded) return Number(embedded.version.split('.')[0]);
    return withAdmin(adminUrl, async (client) => Math.floor(Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0].v) / 10000));
  }
  const backups = createBackupOps({ workDir: path.join(deps.paths.runDir, 'db'), serverMajor, enabledRecord, url: (slot) => urlOf(enabledRecord(slot)), snapshots, event });

  return {
    snapshots,
    backups,
    /** Starts the server before the slots when any slot has a database. */
    async startIfNeeded(): Promise<void> {
      if (store.list().some((record) => record.enabled)) await server();
    },
    mode: () => (externalUrl ? ('external' as const) : ('embedded' as const)),
    status() {
      const { host, port } = endpoint();
      return { mode: externalUrl ? ('external' as const) : ('embedded' as const), running: externalUrl ? ready !== null : embedded?.pid != null, host, port, version: embedded?.version ?? null };
    },

    /** Gives the slot a database and login role (or repairs them); keeps the password it had. */
    async enable(slot: string, actor: string | null = null): Promise<SlotDatabaseRecord> {
      deps.assertSlot(slot);
      const name = `slot_${slot.replace(/-/g, '_')}`;
      const previous = store.get(slot);
      const record = { slot, enabled: true, database: previous?.database ?? name, role: previous?.role ?? name, password: previous?.password ?? randomBytes(24).toString('base64url') };
      const adminUrl = await server();
      await withAdmin(adminUrl, (client) => ensureSlotDatabase(client, record));
      store.save(record);
      deps.event(slot, 'db.enabled', `slot ${slot} has database ${record.database} (role ${record.role})`, actor);
      return store.get(slot)!;
    },
    /** Stops handing the slot its database; the data stays unless drop is set. */
    async disable(slot: string, options: { drop?: boolean } = {}, actor: string | null = null): Promise<void> {
      const record = enabledRecord(slot);
      if (options.drop) {
        await snapshots.dropAll(slot);
        await withAdmin(await server(), (client) => dropSlotDatabase(client, record));
        store.remove(slot);
        deps.event(slot, 'db.dropped', `database ${record.database} and role ${record.role} of slot ${slot} were dropped`, actor);
        return;
      }
      store.save({ ...record, enabled: false });
      deps.event(slot, 'db.disabled', `slot ${slot} no longer gets database ${record.database}; its data is kept (enable it again to use it)`, actor);
    },
    enabled: (slot: string) => store.get(slot)?.enabled === true,

    /** The env that connects the slot's app (and build) to its database; empty without one. */
    env(slot: string): Record<string, string> {
      const record = store.get(slot);
      if (!record?.enabled) return {};
      const { host, port } = endpoint();
      const url = urlOf(record);
      return {
        DATABASE_URL: url,
        PGHOST: host,
        PGPORT: String(port),
        PGDATABASE: record.database,
        PGUSER: record.role,
        PGPASSWORD: record.password,
        POSTGRES_URL: url,
        POSTGRES_HOST: host,
        POSTGRES_PORT: String(port),
        POSTGRES_DB: record.database,
        POSTGRES_USER: record.role,
        POSTGRES_PASSWORD: record.password,
      };
    },
    /** Values to mask in logs and answers. */
    secrets(slot: string): string[] {
      const record = store.get(slot);
      return record ? [record.password, urlOf(record)] : [];
    },
    url(slot: string): string {
      return urlOf(enabledRecord(slot));
    },
    /**
     * A database for a slot's Convex backend, as `--db postgres-v5` expects it: named after the instance ('-' → '_'),
     * owned by a role of its own. Returns the server URL without a database (the backend adds the name itself).
     */
    async convexStore(instance: string, password: string): Promise<{ serverUrl: string; database: string; loopback: boolean }> {
      const names = convexStoreNames(instance);
      await withAdmin(await server(), (client) => ensureSlotDatabase(client, { ...names, password }));
      const { host, port } = endpoint();
      return { serverUrl: `postgres://${encodeURIComponent(names.role)}:${encodeURIComponent(password)}@${host}:${port}`, database: names.database, loopback: host === '127.0.0.1' || host === 'localhost' || host === '::1' };
    },
    /** Dumps a Convex backend's database (pg_dump, custom format) to `file`. */
    async dumpConvexStore(instance: string, password: string, file: string): Promise<void> {
      const { serverUrl, database } = await this.convexStore(instance, password);
      const tools = findDumpTools(await serverMajor());
      await runTool(tools.pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`], connectionEnv(`${serverUrl}/${database}`));
    },
    async dropConvexStore(instance: string): Promise<void> {
      await withAdmin(await server(), (client) => dropSlotDatabase(client, convexStoreNames(instance)));
    },
    async info(slot: string) {
      const record = enabledRecord(slot);
      const facts = await databaseFacts(await server(), record.database);
      const { host, port } = endpoint();
      return { slot, database: record.database, role: record.role, host, port, ...facts };
    },
    async close(): Promise<void> {
      await snapshots.idle();
      await embedded?.stop();
    },
  };
}

export type DatabaseService = ReturnType<typeof createDatabaseService>;

/** A Convex backend's database and role: the database is the instance name with '-' → '_', as the backend looks it up. */
const convexStoreNames = (instance: string) => ({ database: instance.replace(/-/g, '_'), role: `${instance.replace(/-/g, '_')}_convex` });
