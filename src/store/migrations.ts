// Numbered schema migrations of the state database; each runs once, in order, in a transaction.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'slots, releases, deployments, instances, events',
    sql: `
      CREATE TABLE slots (
        name TEXT PRIMARY KEY,
        env_json TEXT NOT NULL DEFAULT '{}',
        desired_state TEXT NOT NULL DEFAULT 'running' CHECK (desired_state IN ('running', 'stopped')),
        live_release INTEGER,
        next_release INTEGER NOT NULL DEFAULT 1,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE releases (
        slot TEXT NOT NULL REFERENCES slots(name),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('node', 'static')),
        files_dir TEXT NOT NULL,
        command_json TEXT,
        env_json TEXT NOT NULL,
        source TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        PRIMARY KEY (slot, seq)
      );
      CREATE TABLE deployments (
        id TEXT PRIMARY KEY,
        slot TEXT NOT NULL REFERENCES slots(name),
        trigger TEXT NOT NULL,
        status TEXT NOT NULL,
        release_seq INTEGER,
        error_json TEXT,
        stages_json TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX deployments_by_slot ON deployments (slot, created_at);
      CREATE TABLE instances (
        pid INTEGER PRIMARY KEY,
        slot TEXT NOT NULL,
        release_seq INTEGER NOT NULL,
        port INTEGER,
        start_ticks INTEGER NOT NULL,
        started_at INTEGER NOT NULL
      );
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        slot TEXT,
        type TEXT NOT NULL,
        message TEXT NOT NULL,
        data_json TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX events_by_slot ON events (slot, id);
    `,
  },
  {
    version: 2,
    name: 'git sources: slot settings, release commits and build keys, durable deployment records, git tokens',
    sql: `
      ALTER TABLE slots ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE releases ADD COLUMN app_dir TEXT NOT NULL DEFAULT '';
      ALTER TABLE releases ADD COLUMN static_dir TEXT;
      ALTER TABLE releases ADD COLUMN commit_json TEXT;
      ALTER TABLE releases ADD COLUMN build_key TEXT;
      ALTER TABLE releases ADD COLUMN settings_json TEXT;
      ALTER TABLE deployments ADD COLUMN request_json TEXT;
      ALTER TABLE deployments ADD COLUMN commit_json TEXT;
      ALTER TABLE deployments ADD COLUMN log_file TEXT;
      ALTER TABLE deployments ADD COLUMN started_at INTEGER;
      ALTER TABLE instances ADD COLUMN role TEXT NOT NULL DEFAULT 'app';
      CREATE TABLE git_tokens (
        scope TEXT PRIMARY KEY,
        username TEXT,
        token TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'admin auth (password, login codes, sessions, API tokens), secret env keys, who did what',
    sql: `
      ALTER TABLE slots ADD COLUMN secret_keys_json TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE deployments ADD COLUMN actor TEXT;
      ALTER TABLE events ADD COLUMN actor TEXT;
      CREATE TABLE admin_password (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        hash TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE login_codes (
        code_hash TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        user_agent TEXT
      );
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        slots_json TEXT,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
    `,
  },
  {
    version: 4,
    name: 'a database per slot, and its snapshots',
    sql: `
      CREATE TABLE db_snapshots (
        slot TEXT NOT NULL REFERENCES slots(name),
        name TEXT NOT NULL,
        database TEXT NOT NULL UNIQUE,
        auto INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (slot, name)
      );
      CREATE TABLE slot_databases (
        slot TEXT PRIMARY KEY REFERENCES slots(name),
        enabled INTEGER NOT NULL,
        database TEXT NOT NULL,
        role TEXT NOT NULL,
        password TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'a ready copy of the newest snapshot, for restores by rename',
    sql: `ALTER TABLE db_snapshots ADD COLUMN ready INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 6,
    name: 'webhook deliveries and per-slot webhook secrets',
    sql: `
      CREATE TABLE hook_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        delivery_id TEXT,
        body_sha256 TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        address TEXT,
        event TEXT,
        repo TEXT,
        ref TEXT,
        commit_sha TEXT,
        signature TEXT NOT NULL,
        scope TEXT,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        push_json TEXT,
        routes_json TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX hook_deliveries_delivery ON hook_deliveries (source, delivery_id);
      CREATE INDEX hook_deliveries_body ON hook_deliveries (body_sha256);
      CREATE TABLE hook_slot_secrets (
        slot TEXT PRIMARY KEY REFERENCES slots(name),
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: "a deployment's warnings (env the app expects but does not get)",
    sql: `ALTER TABLE deployments ADD COLUMN warnings_json TEXT NOT NULL DEFAULT '[]';`,
  },
];
