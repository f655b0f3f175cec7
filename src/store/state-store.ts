// Queries over the state database; every change of state runs in one transaction.
import { randomBytes } from 'node:crypto';
import type { Db } from './open-store.js';
import type {
  CommitInfo,
  DeploySource,
  DeploymentRecord,
  DeploymentStage,
  DeploymentStatus,
  DeploymentTrigger,
  DesiredState,
  EventRecord,
  InstanceRecord,
  ReleaseRecord,
  SlotRecord,
  SlotSettings,
} from './records.js';

type Row = Record<string, any>;

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const parseOrNull = (text: string | null | undefined) => (text ? JSON.parse(text) : null);

const toSlot = (row: Row): SlotRecord => ({
  name: row.name,
  env: JSON.parse(row.env_json),
  desiredState: row.desired_state,
  liveRelease: row.live_release ?? null,
  settings: JSON.parse(row.settings_json ?? '{}'),
  secretKeys: JSON.parse(row.secret_keys_json ?? '[]'),
});


const toRelease = (row: Row): ReleaseRecord => ({
  slot: row.slot,
  seq: row.seq,
  kind: row.kind,
  filesDir: row.files_dir,
  appDir: row.app_dir ?? '',
  staticDir: row.static_dir ?? null,
  command: parseOrNull(row.command_json),
  env: JSON.parse(row.env_json),
  source: row.source,
  note: row.note,
  commit: parseOrNull(row.commit_json),
  buildKey: row.build_key ?? null,
  settings: parseOrNull(row.settings_json),
  createdAt: row.created_at,
});

const toDeployment = (row: Row): DeploymentRecord => ({
  id: row.id,
  slot: row.slot,
  trigger: row.trigger,
  actor: row.actor ?? null,
  status: row.status,
  releaseSeq: row.release_seq ?? null,
  error: parseOrNull(row.error_json),
  stages: JSON.parse(row.stages_json),
  warnings: JSON.parse(row.warnings_json ?? '[]'),
  source: parseOrNull(row.request_json),
  commit: parseOrNull(row.commit_json),
  logFile: row.log_file ?? null,
  createdAt: row.created_at,
  startedAt: row.started_at ?? null,
  finishedAt: row.finished_at ?? null,
});

const toInstance = (row: Row): InstanceRecord => ({
  pid: row.pid,
  slot: row.slot,
  releaseSeq: row.release_seq,
  port: row.port ?? null,
  startTicks: row.start_ticks,
  startedAt: row.started_at,
  role: row.role ?? 'app',
});

const toEvent = (row: Row): EventRecord => ({
  id: row.id,
  slot: row.slot,
  type: row.type,
  message: row.message,
  data: row.data_json ? JSON.parse(row.data_json) : null,
  actor: row.actor ?? null,
  at: row.at,
});

export type NewRelease = Omit<ReleaseRecord, 'seq' | 'createdAt'>;

/** What changed, for live views: a new event, or a deployment record that moved on. */
export type StoreChange = { kind: 'event'; event: EventRecord } | { kind: 'deployment'; id: string; slot: string };

export function createStateStore(db: Db, now: () => number = Date.now) {
  const listeners = new Set<(change: StoreChange) => void>();
  const notify = (change: StoreChange) => listeners.forEach((listener) => listener(change));
  const deploymentChanged = (id: string) => {
    const slot = db.prepare('SELECT slot FROM deployments WHERE id = ?').pluck().get(id) as string | undefined;
    if (slot) notify({ kind: 'deployment', id, slot });
  };
  return {
    /** Calls the listener after every event and deployment change; returns the unsubscribe. */
    onChange(listener: (change: StoreChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ensureSlots(names: string[]): void {
      const insert = db.prepare('INSERT OR IGNORE INTO slots (name, updated_at) VALUES (?, ?)');
      db.transaction(() => names.forEach((name) => insert.run(name, now())))();
    },
    getSlot(name: string): SlotRecord | undefined {
      const row = db.prepare('SELECT * FROM slots WHERE name = ?').get(name) as Row | undefined;
      return row ? toSlot(row) : undefined;
    },
    setDesiredState(name: string, state: DesiredState): void {
      db.prepare('UPDATE slots SET desired_state = ?, updated_at = ? WHERE name = ?').run(state, now(), name);
    },
    setSlotSettings(name: string, settings: SlotSettings): void {
      db.prepare('UPDATE slots SET settings_json = ?, updated_at = ? WHERE name = ?').run(JSON.stringify(settings), now(), name);
    },
    setSlotEnv(name: string, env: Record<string, string>): void {
      db.prepare('UPDATE slots SET env_json = ?, updated_at = ? WHERE name = ?').run(JSON.stringify(env), now(), name);
    },
    setSecretKeys(name: string, keys: string[]): void {
      db.prepare('UPDATE slots SET secret_keys_json = ?, updated_at = ? WHERE name = ?').run(JSON.stringify([...new Set(keys)].sort()), now(), name);
    },
    /** Back to empty: no release, env, secrets or settings (deployment history and events stay). */
    clearSlot(name: string): void {
      db.transaction(() => {
        db.prepare('DELETE FROM releases WHERE slot = ?').run(name);
        db.prepare("UPDATE slots SET live_release = NULL, env_json = '{}', settings_json = '{}', secret_keys_json = '[]', desired_state = 'running', updated_at = ? WHERE name = ?").run(now(), name);
      })();
    },
    /** Points the slot at a live release and records the env it runs with, atomically. */
    setLiveRelease(name: string, seq: number, env: Record<string, string>): void {
      db.prepare('UPDATE slots SET live_release = ?, env_json = ?, desired_state = ?, updated_at = ? WHERE name = ?').run(seq, JSON.stringify(env), 'running', now(), name);
    },

    /** Reserves the next release number and records the release in one transaction. */
    addRelease(release: NewRelease): ReleaseRecord {
      return db.transaction(() => {
        const seq = (db.prepare('SELECT next_release FROM slots WHERE name = ?').pluck().get(release.slot) as number) ?? 1;
        db.prepare('UPDATE slots SET next_release = ? WHERE name = ?').run(seq + 1, release.slot);
        const createdAt = now();
        db.prepare(
          `INSERT INTO releases (slot, seq, kind, files_dir, app_dir, static_dir, command_json, env_json, source, note, commit_json, build_key, settings_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          release.slot,
          seq,
          release.kind,
          release.filesDir,
          release.appDir,
          release.staticDir,
          jsonOrNull(release.command),
          JSON.stringify(release.env),
          release.source,
          release.note,
          jsonOrNull(release.commit),
          release.buildKey,
          jsonOrNull(release.settings),
          createdAt,
        );
        return { ...release, seq, createdAt };
      })();
    },
    getRelease(slot: string, seq: number): ReleaseRecord | undefined {
      const row = db.prepare('SELECT * FROM releases WHERE slot = ? AND seq = ?').get(slot, seq) as Row | undefined;
      return row ? toRelease(row) : undefined;
    },
    listReleases(slot: string): ReleaseRecord[] {
      return (db.prepare('SELECT * FROM releases WHERE slot = ? ORDER BY seq DESC').all(slot) as Row[]).map(toRelease);
    },
    deleteReleases(slot: string, seqs: number[]): void {
      const remove = db.prepare('DELETE FROM releases WHERE slot = ? AND seq = ?');
      db.transaction(() => seqs.forEach((seq) => remove.run(slot, seq)))();
    },

    /** Records a new deployment: 'running' at once, or 'queued' when it waits its turn (with its log file named). */
    startDeployment(slot: string, trigger: DeploymentTrigger, options: { status?: 'queued' | 'running'; source?: DeploySource; logFile?: (id: string) => string; actor?: string | null } = {}): DeploymentRecord {
      const id = `${now().toString(36).padStart(9, '0')}-${randomBytes(3).toString('hex')}`;
      const createdAt = now();
      const status = options.status ?? 'running';
      const startedAt = status === 'running' ? createdAt : null;
      const logFile = options.logFile?.(id) ?? null;
      const actor = options.actor ?? null;
      db.prepare('INSERT INTO deployments (id, slot, trigger, actor, status, request_json, log_file, created_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        id,
        slot,
        trigger,
        actor,
        status,
        jsonOrNull(options.source),
        logFile,
        createdAt,
        startedAt,
      );
      notify({ kind: 'deployment', id, slot });
      return { id, slot, trigger, actor, status, releaseSeq: null, error: null, stages: [], warnings: [], source: options.source ?? null, commit: null, logFile, createdAt, startedAt, finishedAt: null };
    },
    /** A waiting deployment takes a newer source (a later push of a burst); false if it is no longer waiting. */
    replaceQueuedSource(id: string, source: DeploySource): boolean {
      const changed = db.prepare("UPDATE deployments SET request_json = ? WHERE id = ? AND status = 'queued'").run(JSON.stringify(source), id).changes > 0;
      if (changed) deploymentChanged(id);
      return changed;
    },
    markDeploymentRunning(id: string): void {
      db.prepare("UPDATE deployments SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'").run(now(), id);
      deploymentChanged(id);
    },
    updateDeployment(id: string, patch: { warnings?: string[]; stages?: DeploymentStage[]; releaseSeq?: number; commit?: CommitInfo }): void {
      if (patch.stages) db.prepare('UPDATE deployments SET stages_json = ? WHERE id = ?').run(JSON.stringify(patch.stages), id);
      if (patch.warnings) db.prepare('UPDATE deployments SET warnings_json = ? WHERE id = ?').run(JSON.stringify(patch.warnings), id);
      if (patch.releaseSeq !== undefined) db.prepare('UPDATE deployments SET release_seq = ? WHERE id = ?').run(patch.releaseSeq, id);
      if (patch.commit) db.prepare('UPDATE deployments SET commit_json = ? WHERE id = ?').run(JSON.stringify(patch.commit), id);
      deploymentChanged(id);
    },
    finishDeployment(id: string, status: DeploymentStatus, error: DeploymentRecord['error'] = null): void {
      db.prepare('UPDATE deployments SET status = ?, error_json = ?, finished_at = ? WHERE id = ?').run(status, error ? JSON.stringify(error) : null, now(), id);
      deploymentChanged(id);
    },
    getDeployment(id: string): DeploymentRecord | undefined {
      const row = db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as Row | undefined;
      return row ? toDeployment(row) : undefined;
    },
    listDeployments(slot: string, limit = 20): DeploymentRecord[] {
      return (db.prepare('SELECT * FROM deployments WHERE slot = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(slot, limit) as Row[]).map(toDeployment);
    },
    /** Deployments left running or queued by a daemon that died: they can never finish now. */
    abandonUnfinishedDeployments(): DeploymentRecord[] {
      const rows = db.prepare("SELECT * FROM deployments WHERE status IN ('running', 'queued')").all() as Row[];
      const error = JSON.stringify({ code: 'ERR_DEPLOY_ABANDONED', message: 'berth stopped (or died) while this deployment was under way; the slot kept its previous release.', remedy: 'Deploy again.' });
      db.prepare("UPDATE deployments SET status = 'abandoned', error_json = ?, finished_at = ? WHERE status IN ('running', 'queued')").run(error, now());
      return rows.map(toDeployment);
    },

    getGitToken(scope: string): { username: string | null; token: string } | undefined {
      const row = db.prepare('SELECT username, token FROM git_tokens WHERE scope = ?').get(scope) as Row | undefined;
      return row ? { username: row.username ?? null, token: row.token } : undefined;
    },
    setGitToken(scope: string, value: { username: string | null; token: string } | null): void {
      if (value) db.prepare('INSERT OR REPLACE INTO git_tokens (scope, username, token, updated_at) VALUES (?, ?, ?, ?)').run(scope, value.username, value.token, now());
      else db.prepare('DELETE FROM git_tokens WHERE scope = ?').run(scope);
    },

    recordInstance(instance: InstanceRecord): void {
      db.prepare('INSERT OR REPLACE INTO instances (pid, slot, release_seq, port, start_ticks, started_at, role) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        instance.pid,
        instance.slot,
        instance.releaseSeq,
        instance.port,
        instance.startTicks,
        instance.startedAt,
        instance.role ?? 'app',
      );
    },
    forgetInstance(pid: number): void {
      db.prepare('DELETE FROM instances WHERE pid = ?').run(pid);
    },
    listInstances(): InstanceRecord[] {
      return (db.prepare('SELECT * FROM instances').all() as Row[]).map(toInstance);
    },

    /** Records an event; `actor` says who caused it ("ui", "cli", "token:<name>"), null when berth did. */
    addEvent(slot: string | null, type: string, message: string, data?: Record<string, unknown>, actor: string | null = null): EventRecord {
      const at = now();
      const info = db.prepare('INSERT INTO events (slot, type, message, data_json, actor, at) VALUES (?, ?, ?, ?, ?, ?)').run(slot, type, message, data ? JSON.stringify(data) : null, actor, at);
      const event = { id: Number(info.lastInsertRowid), slot, type, message, data: data ?? null, actor, at };
      notify({ kind: 'event', event });
      return event;
    },
    /** The newest `limit` events after `afterId` (oldest first); with `oldestFirst`, the oldest ones after it instead. */
    listEvents(options: { slot?: string; afterId?: number; limit?: number; oldestFirst?: boolean } = {}): EventRecord[] {
      const order = options.oldestFirst ? 'ASC' : 'DESC';
      const rows = db
        .prepare(`SELECT * FROM events WHERE (? IS NULL OR slot = ?) AND id > ? ORDER BY id ${order} LIMIT ?`)
        .all(options.slot ?? null, options.slot ?? null, options.afterId ?? 0, options.limit ?? 100) as Row[];
      const events = rows.map(toEvent);
      return options.oldestFirst ? events : events.reverse();
    },
    lastEventId(): number {
      return (db.prepare('SELECT MAX(id) FROM events').pluck().get() as number | null) ?? 0;
    },
  };
}

export type StateStore = ReturnType<typeof createStateStore>;
