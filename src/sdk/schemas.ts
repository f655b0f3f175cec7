// The API contract: zod schemas of requests and responses, shared by the daemon, the CLI and (later) the UI.
import { z } from 'zod';

export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  remedy: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const commitSchema = z.object({ sha: z.string(), subject: z.string(), branch: z.string().nullable(), repo: z.string().nullable() });

export const slotStateSchema = z.enum(['empty', 'starting', 'running', 'restarting', 'crashed', 'stopped']);

/** What a slot card shows: its state in words a user knows. */
export const slotSummarySchema = z.enum(['empty', 'deploying', 'live', 'starting', 'failed', 'crashed', 'stopped']);

export const deploymentBriefSchema = z.object({
  id: z.string(),
  status: z.string(),
  trigger: z.string(),
  actor: z.string().nullable(),
  stage: z.string().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
});

export const slotStatusSchema = z.object({
  slot: z.string(),
  state: slotStateSchema,
  release: z.number().int().nullable(),
  kind: z.enum(['node', 'static']).nullable(),
  command: z.string().nullable(),
  pid: z.number().int().nullable(),
  port: z.number().int().nullable(),
  publicPort: z.number().int(),
  uptimeMs: z.number().nullable(),
  cpuPercent: z.number(),
  memoryBytes: z.number(),
  memoryLimitMb: z.number().nullable(),
  restarts: z.number().int(),
  url: z.string(),
  reason: z.string().nullable(),
  summary: slotSummarySchema,
  repo: z.string().nullable(),
  branch: z.string().nullable(),
  commit: commitSchema.nullable(),
  /** When the live release was made, and by which deployment. */
  releasedAt: z.number().nullable(),
  releasedBy: deploymentBriefSchema.nullable(),
  /** The newest deployment (running, queued or finished). */
  lastDeployment: deploymentBriefSchema.nullable(),
  /** Recent samples (oldest first, one per stats interval) for sparklines. */
  history: z.object({ cpuPercent: z.array(z.number()), memoryBytes: z.array(z.number()) }),
});
export type SlotStatus = z.infer<typeof slotStatusSchema>;

export const deploymentSchema = z.object({
  id: z.string(),
  slot: z.string(),
  trigger: z.string(),
  actor: z.string().nullable(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'superseded', 'abandoned']),
  releaseSeq: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string(), remedy: z.string() }).nullable(),
  stages: z.array(z.object({ name: z.string(), startedAt: z.number(), finishedAt: z.number().optional(), ok: z.boolean().optional(), note: z.string().optional() })),
  warnings: z.array(z.string()).default([]),
  source: z.union([z.object({ type: z.literal('git'), commit: z.string().nullable().optional() }), z.object({ type: z.literal('path'), path: z.string() })]).nullable(),
  commit: commitSchema.nullable(),
  logFile: z.string().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const releaseSchema = z.object({
  seq: z.number().int(),
  kind: z.enum(['node', 'static']),
  command: z.string().nullable(),
  commit: commitSchema.nullable(),
  envKeys: z.array(z.string()),
  source: z.string(),
  note: z.string(),
  createdAt: z.number(),
  live: z.boolean(),
});
export type Release = z.infer<typeof releaseSchema>;

export const logLineSchema = z.object({ seq: z.number().int(), time: z.number(), stream: z.enum(['out', 'err', 'sys']), release: z.number().int(), text: z.string() });
export type LogLineView = z.infer<typeof logLineSchema>;

export const logsResponseSchema = z.object({ lines: z.array(logLineSchema), missed: z.number().int(), cursor: z.number().int() });

/** One message of a followed log stream (newline-delimited JSON). */
export const logStreamMessageSchema = z.union([
  z.object({ type: z.literal('lines'), lines: z.array(logLineSchema), cursor: z.number().int() }),
  z.object({ type: z.literal('missed'), count: z.number().int(), reason: z.string() }),
]);

/** A slot's env as the API shows it: secret values (listed in `secrets`) are masked; `marked` were marked by hand. */
export const envListSchema = z.object({ slot: z.string(), env: z.record(z.string(), z.string()), secrets: z.array(z.string()), marked: z.array(z.string()) });

// Names are checked by the service, whose error names the key and the rule.
const envKey = z.string().max(256);
export const envChangeRequestSchema = z
  .object({
    set: z.record(envKey, z.string().max(64 * 1024)).default({}),
    unset: z.array(envKey).default([]),
    /** Keys to mark secret (masked everywhere), and keys to unmark. */
    secret: z.array(envKey).default([]),
    plain: z.array(envKey).default([]),
  })
  .strict();
/** A pasted .env file: every variable in it is set (secret: true marks them all secret). */
export const envImportRequestSchema = z.object({ text: z.string().max(256 * 1024), secret: z.boolean().default(false) }).strict();
export const envRevealRequestSchema = z.object({ key: envKey }).strict();
export const envRevealResponseSchema = z.object({ slot: z.string(), key: z.string(), value: z.string() });
export const rollbackRequestSchema = z.object({ release: z.number().int().positive().optional() });
export const envChangeResponseSchema = envListSchema.extend({ deployment: deploymentSchema.nullable() });

export const eventSchema = z.object({ id: z.number().int(), slot: z.string().nullable(), type: z.string(), message: z.string(), actor: z.string().nullable(), at: z.number() });

/** How a slot gets its app. null for an override means "let berth detect it". */
export const slotSettingsSchema = z.object({
  repo: z.string().nullable().optional(),
  branch: z.string().nullable().optional(),
  root: z.string().nullable().optional(),
  installCommand: z.string().nullable().optional(),
  buildCommand: z.string().nullable().optional(),
  startCommand: z.string().nullable().optional(),
  staticDir: z.string().nullable().optional(),
  healthPath: z.string().nullable().optional(),
  releaseCommand: z.string().nullable().optional(),
  autoDeploy: z.boolean().optional(),
  deployTags: z.boolean().optional(),
  slug: z.string().nullable().optional(),
  convex: z.boolean().nullable().optional(),
  convexStorage: z.enum(['sqlite', 'postgres']).nullable().optional(),
  convexFiles: z.enum(['local', 's3']).nullable().optional(),
  convexUrl: z.string().nullable().optional(),
  spaFallback: z.boolean().nullable().optional(),
  memoryLimitMb: z.number().int().nullable().optional(),
});
export type SlotSettingsView = z.infer<typeof slotSettingsSchema>;
/** A settings change: only the named fields change; null resets one to "detect". */
export const slotSettingsPatchSchema = slotSettingsSchema.strict();

export const settingsResponseSchema = z.object({
  slot: z.string(),
  settings: slotSettingsSchema,
  /** Whether a git token (for the slot, or the workspace's) and a deploy key exist; their values are never sent. */
  gitToken: z.enum(['slot', 'workspace', 'none']),
  deployKey: z.string().nullable(),
});

export const deployStartRequestSchema = z.union([
  z.object({ path: z.string().min(1) }).strict(),
  z.object({ commit: z.string().regex(/^[0-9a-f]{40}$/, 'a full 40-character commit SHA').optional() }).strict(),
]);

export const deployLogLineSchema = z.object({ n: z.number().int(), time: z.number(), text: z.string() });
/** One message of a followed deployment (newline-delimited JSON): log lines, then the final record. */
export const deployStreamMessageSchema = z.union([
  z.object({ type: z.literal('lines'), lines: z.array(deployLogLineSchema) }),
  z.object({ type: z.literal('deployment'), deployment: deploymentSchema }),
]);

export const gitTokenRequestSchema = z.object({ token: z.string().min(1).max(4096), username: z.string().min(1).max(256).optional(), slot: z.string().optional() }).strict();

export const tokenRoleSchema = z.enum(['read', 'deploy', 'manage', 'admin']);
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: tokenRoleSchema,
  slots: z.array(z.string()).nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenSchema>;
export const tokenCreateRequestSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, dot, dash or underscore (up to 64)'),
    role: tokenRoleSchema,
    /** The slots it may act on; omitted or null for every slot. */
    slots: z.array(z.string()).min(1).nullable().default(null),
  })
  .strict();
/** The token itself is shown once, in this answer; berth keeps only its hash. */
export const tokenCreateResponseSchema = z.object({ token: z.string(), record: apiTokenSchema });

export const loginRequestSchema = z.object({ secret: z.string().min(1).max(1024) }).strict();
export const sessionSchema = z.object({ kind: z.enum(['session', 'cli', 'token']), actor: z.string(), role: tokenRoleSchema, slots: z.array(z.string()).nullable(), passwordSet: z.boolean() });
export const passwordRequestSchema = z.object({ password: z.string().max(1024) }).strict();
export const loginCodeSchema = z.object({ code: z.string(), expiresAt: z.number() });

/** Messages a client sends on the live socket. Cursors make a reconnect resume exactly where it stopped. */
export const liveRequestSchema = z.union([
  z.object({ type: z.literal('subscribe'), topic: z.literal('slots') }),
  z.object({ type: z.literal('subscribe'), topic: z.literal('events'), after: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('subscribe'), topic: z.literal('logs'), slot: z.string(), after: z.number().int().min(0).optional(), tail: z.number().int().min(0).max(10_000).optional() }),
  z.object({ type: z.literal('subscribe'), topic: z.literal('deployment'), id: z.string(), after: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('unsubscribe'), topic: z.enum(['slots', 'events', 'logs', 'deployment']), slot: z.string().optional(), id: z.string().optional() }),
]);
export type LiveRequest = z.infer<typeof liveRequestSchema>;

/** Messages the daemon sends on the live socket. */
export const liveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('slots'), slots: z.array(slotStatusSchema) }),
  z.object({ type: z.literal('events'), events: z.array(eventSchema), cursor: z.number().int() }),
  z.object({ type: z.literal('logs'), slot: z.string(), lines: z.array(logLineSchema), cursor: z.number().int() }),
  z.object({ type: z.literal('missed'), topic: z.string(), slot: z.string().optional(), count: z.number().int(), reason: z.string() }),
  z.object({ type: z.literal('deployment'), deployment: deploymentSchema }),
  z.object({ type: z.literal('deployment-log'), id: z.string(), lines: z.array(deployLogLineSchema), cursor: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), remedy: z.string().optional() }),
]);
export type LiveMessage = z.infer<typeof liveMessageSchema>;

/** The database server berth uses for slot databases. */
export const databaseServerSchema = z.object({ mode: z.enum(['embedded', 'external']), running: z.boolean(), host: z.string(), port: z.number(), version: z.string().nullable() });
/** A slot's database; the names and facts only when it has one. */
export const slotDatabaseSchema = z.object({
  slot: z.string(),
  enabled: z.boolean(),
  database: z.string().optional(),
  role: z.string().optional(),
  host: z.string().optional(),
  port: z.number().optional(),
  sizeBytes: z.number().optional(),
  tables: z.number().optional(),
  connections: z.number().optional(),
});
export const snapshotSchema = z.object({
  slot: z.string(),
  name: z.string(),
  auto: z.boolean(),
  ready: z.boolean().describe('A ready copy exists: restoring it is a rename, not a copy'),
  createdAt: z.number(),
  sizeBytes: z.number().optional(),
});
/** What a restore, reset or clone did: the automatic snapshot of the replaced data, and the sessions it ended. */
export const replacedSchema = z.object({ kept: z.string().describe('The automatic snapshot of the data that was replaced'), endedConnections: z.number().int() });
export const databaseTableSchema = z.object({ schema: z.string(), name: z.string(), rows: z.number(), sizeBytes: z.number() });
export const queryResultSchema = z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.unknown())), truncated: z.boolean(), command: z.string().nullable() });
export type QueryResult = z.infer<typeof queryResultSchema>;

/** One webhook delivery in the log: what arrived, whether its signature held, and what berth did with it. */
export const hookDeliverySchema = z.object({
  id: z.number().int(),
  source: z.string(),
  deliveryId: z.string().nullable(),
  receivedAt: z.number(),
  address: z.string().nullable(),
  event: z.string().nullable(),
  repo: z.string().nullable(),
  ref: z.string().nullable(),
  commit: z.string().nullable(),
  signature: z.string().describe('valid, missing, invalid, malformed or wrong-algorithm'),
  scope: z.string().nullable().describe('Whose secret verified it: workspace or slot:<name>'),
  outcome: z.enum(['queued', 'ignored', 'rejected', 'duplicate', 'pong']),
  reason: z.string(),
  routes: z.array(z.object({ slot: z.string(), deployment: z.string().nullable(), note: z.string() })),
  redeliverable: z.boolean(),
});
export type HookDelivery = z.infer<typeof hookDeliverySchema>;
/** What to paste into a repository's webhook settings for a slot. */
export const slotHooksSchema = z.object({
  slot: z.string(),
  enabled: z.boolean(),
  payloadUrl: z.string().nullable().describe('GitHub; Gitea/Forgejo and GitLab have their own in `urls`'),
  urls: z.object({ github: z.string(), gitea: z.string(), gitlab: z.string() }).nullable(),
  contentType: z.literal('application/json'),
  events: z.array(z.string()),
  secretScope: z.enum(['workspace', 'slot']),
  tracking: z.object({ repo: z.string().nullable(), branch: z.string(), autoDeploy: z.boolean(), deployTags: z.boolean() }),
});
export const hookSecretSchema = z.object({ secret: z.string(), scope: z.string() });

/** A slot's Convex backend: whether it has one, where it listens, its public URLs, and the env its app gets. */
export const convexStatusSchema = z.object({
  slot: z.string(),
  enabled: z.boolean(),
  running: z.boolean(),
  pid: z.number().nullable(),
  port: z.number(),
  sitePort: z.number(),
  instanceName: z.string(),
  urls: z.object({ api: z.string(), site: z.string() }),
  storage: z.object({ database: z.enum(['sqlite', 'postgres']), files: z.enum(['local', 's3']) }).nullable().describe('what the backend was made with (null: none yet, or external)'),
  external: z.string().nullable().describe('the URL of an already-running backend the slot uses (berth runs none)'),
  detected: z.string().nullable().describe('why the live release is a Convex app (null: it is not, or there is none)'),
  env: z.record(z.string(), z.string()).describe('CONVEX_SELF_HOSTED_ADMIN_KEY is masked unless revealed'),
});

/** One finding of a doctor: what was checked, the verdict, what was seen, and what to do. */
export const findingSchema = z.object({ check: z.string(), verdict: z.enum(['ok', 'warn', 'fail']), message: z.string(), remedy: z.string().nullable() });
export type Finding = z.infer<typeof findingSchema>;
