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
});
export type SlotStatus = z.infer<typeof slotStatusSchema>;

export const deploymentSchema = z.object({
  id: z.string(),
  slot: z.string(),
  trigger: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'superseded', 'abandoned']),
  releaseSeq: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string(), remedy: z.string() }).nullable(),
  stages: z.array(z.object({ name: z.string(), startedAt: z.number(), finishedAt: z.number().optional(), ok: z.boolean().optional(), note: z.string().optional() })),
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

export const envListSchema = z.object({ slot: z.string(), env: z.record(z.string(), z.string()), masked: z.boolean() });

export const envChangeRequestSchema = z.object({
  set: z.record(z.string(), z.string()).default({}),
  unset: z.array(z.string()).default([]),
});
export const rollbackRequestSchema = z.object({ release: z.number().int().positive().optional() });
export const envChangeResponseSchema = z.object({ env: z.record(z.string(), z.string()), masked: z.boolean(), deployment: deploymentSchema.nullable() });

export const eventSchema = z.object({ id: z.number().int(), slot: z.string().nullable(), type: z.string(), message: z.string(), at: z.number() });

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
  autoDeploy: z.boolean().optional(),
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
