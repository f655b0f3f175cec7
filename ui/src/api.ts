// The UI's API client: JSON over fetch with the session cookie, every answer checked against the shared schemas,
// every failure turned into an ApiError with the code, message and remedy the daemon sent.
import { z } from 'zod';
import {
  apiErrorSchema,
  apiTokenSchema,
  databaseTableSchema,
  queryResultSchema,
  replacedSchema,
  slotDatabaseSchema,
  snapshotSchema,
  hookDeliverySchema,
  hookSecretSchema,
  slotHooksSchema,
  convexStatusSchema,
  findingSchema,
  deploymentSchema,
  envChangeResponseSchema,
  envListSchema,
  envRevealResponseSchema,
  eventSchema,
  releaseSchema,
  sessionSchema,
  settingsResponseSchema,
  tokenCreateResponseSchema,
  type SlotSettingsView,
} from '../../src/sdk/schemas.js';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly remedy: string | undefined,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Called when the API says the session is gone, so the app can show the sign-in page. */
let onSignedOut: () => void = () => undefined;
export const whenSignedOut = (listener: () => void) => {
  onSignedOut = listener;
};

async function call<T extends z.ZodType>(schema: T, method: string, path: string, body?: unknown): Promise<z.infer<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError('ERR_DAEMON_UNREACHABLE', `berth does not answer: ${(error as Error).message}.`, 'Check that berth is running, then try again.', 0);
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = apiErrorSchema.safeParse(payload);
    if (response.status === 401 && !path.endsWith('/auth/login')) onSignedOut();
    if (parsed.success) throw new ApiError(parsed.data.code, parsed.data.message, parsed.data.remedy, response.status, parsed.data.details);
    throw new ApiError('ERR_INTERNAL', `berth answered HTTP ${response.status}.`, undefined, response.status);
  }
  return schema.parse(payload);
}

const slot = (name: string) => `/api/v1/slots/${encodeURIComponent(name)}`;
const deploymentReply = z.object({ deployment: deploymentSchema.nullable() });
const ok = z.object({ ok: z.literal(true) });

export const api = {
  login: (secret: string) => call(ok, 'POST', '/api/v1/auth/login', { secret }),
  logout: () => call(ok, 'POST', '/api/v1/auth/logout', {}),
  session: () => call(sessionSchema, 'GET', '/api/v1/auth/session'),
  setPassword: (password: string) => call(ok, 'PUT', '/api/v1/auth/password', { password }),

  settings: (name: string) => call(settingsResponseSchema, 'GET', `${slot(name)}/settings`),
  saveSettings: (name: string, patch: SlotSettingsView) => call(settingsResponseSchema, 'PATCH', `${slot(name)}/settings`, patch),
  clear: (name: string) => call(ok, 'POST', `${slot(name)}/clear`, { confirm: name }),

  deploy: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/deploy`, {}).then((reply) => reply.deployment!),
  cancel: (name: string) => call(z.object({ cancelled: z.array(z.string()) }), 'POST', `${slot(name)}/deploy/cancel`),
  deployments: (name: string) => call(z.object({ deployments: z.array(deploymentSchema) }), 'GET', `${slot(name)}/deployments?limit=30`).then((reply) => reply.deployments),

  releases: (name: string) => call(z.object({ live: z.number().nullable(), releases: z.array(releaseSchema) }), 'GET', `${slot(name)}/releases`),
  rollback: (name: string, release: number) => call(deploymentReply, 'POST', `${slot(name)}/rollback`, { release }),
  start: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/start`),
  stop: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/stop`),
  restart: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/restart`),

  env: (name: string) => call(envListSchema, 'GET', `${slot(name)}/env`),
  changeEnv: (name: string, changes: { set?: Record<string, string>; unset?: string[]; secret?: string[]; plain?: string[] }) => call(envChangeResponseSchema, 'PATCH', `${slot(name)}/env`, changes),
  importEnv: (name: string, text: string, secret: boolean) => call(envChangeResponseSchema, 'POST', `${slot(name)}/env/import`, { text, secret }),
  reveal: (name: string, key: string) => call(envRevealResponseSchema, 'POST', `${slot(name)}/env/reveal`, { key }).then((reply) => reply.value),

  database: (name: string) => call(slotDatabaseSchema, 'GET', `${slot(name)}/database`),
  enableDatabase: (name: string) => call(slotDatabaseSchema, 'POST', `${slot(name)}/database/enable`),
  disableDatabase: (name: string, drop: boolean) => call(slotDatabaseSchema, 'POST', `${slot(name)}/database/disable`, drop ? { drop, confirm: name } : {}),
  databaseUrl: (name: string) => call(z.object({ url: z.string() }), 'POST', `${slot(name)}/database/url`).then((reply) => reply.url),
  convex: (name: string) => call(convexStatusSchema, 'GET', `${slot(name)}/convex`),
  revealConvex: (name: string) => call(convexStatusSchema, 'POST', `${slot(name)}/convex/reveal`, {}),
  convexDoctor: (name: string) => call(z.object({ findings: z.array(findingSchema) }), 'GET', `${slot(name)}/convex/doctor`).then((reply) => reply.findings),
  convexBackendEnv: (name: string) => call(z.object({ env: z.record(z.string(), z.string()) }), 'GET', `${slot(name)}/convex/backend-env`).then((reply) => reply.env),
  changeConvexBackendEnv: (name: string, changes: { set?: Record<string, string>; unset?: string[] }) => call(z.object({ env: z.record(z.string(), z.string()) }), 'PATCH', `${slot(name)}/convex/backend-env`, changes),
  resetConvex: (name: string, change: { storage: 'sqlite' | 'postgres'; files: 'local' | 's3'; confirm: string }) =>
    call(z.object({ exportDir: z.string(), convexExport: z.string().nullable(), kept: z.array(z.string()), notes: z.array(z.string()) }), 'POST', `${slot(name)}/convex/reset`, change),
  slotHooks: (name: string) => call(slotHooksSchema, 'GET', `${slot(name)}/hooks`),
  revealHookSecret: (name: string) => call(hookSecretSchema, 'POST', `${slot(name)}/hooks/secret/reveal`, {}),
  newSlotHookSecret: (name: string) => call(hookSecretSchema, 'POST', `${slot(name)}/hooks/secret`, {}),
  removeSlotHookSecret: (name: string) => call(ok, 'DELETE', `${slot(name)}/hooks/secret`),
  hookDeliveries: (name: string) => call(z.object({ deliveries: z.array(hookDeliverySchema) }), 'GET', `/api/v1/hooks/deliveries?slot=${encodeURIComponent(name)}&limit=50`).then((reply) => reply.deliveries),
  redeliverHook: (id: number) => call(hookDeliverySchema, 'POST', `/api/v1/hooks/deliveries/${id}/redeliver`, {}),
  snapshots: (name: string) => call(z.object({ snapshots: z.array(snapshotSchema) }), 'GET', `${slot(name)}/database/snapshots`).then((reply) => reply.snapshots),
  takeSnapshot: (name: string, snapshot?: string) => call(snapshotSchema, 'POST', `${slot(name)}/database/snapshots`, snapshot ? { name: snapshot } : {}),
  restoreSnapshot: (name: string, snapshot: string) => call(replacedSchema, 'POST', `${slot(name)}/database/snapshots/${encodeURIComponent(snapshot)}/restore`),
  deleteSnapshot: (name: string, snapshot: string) => call(ok, 'DELETE', `${slot(name)}/database/snapshots/${encodeURIComponent(snapshot)}`),
  resetDatabase: (name: string) => call(replacedSchema, 'POST', `${slot(name)}/database/reset`, { confirm: name }),
  cloneDatabase: (name: string, from: string) => call(replacedSchema, 'POST', `${slot(name)}/database/clone`, { from }),
  tables: (name: string) => call(z.object({ tables: z.array(databaseTableSchema) }), 'GET', `${slot(name)}/database/tables`).then((reply) => reply.tables),
  tableRows: (name: string, table: { schema: string; name: string }, offset: number, limit: number) =>
    call(queryResultSchema, 'GET', `${slot(name)}/database/tables/${encodeURIComponent(table.name)}/rows?schema=${encodeURIComponent(table.schema)}&offset=${offset}&limit=${limit}`),
  query: (name: string, sql: string) => call(queryResultSchema, 'POST', `${slot(name)}/database/query`, { sql }),
  events: (name?: string) => call(z.object({ events: z.array(eventSchema), cursor: z.number() }), 'GET', `/api/v1/events?limit=50${name ? `&slot=${encodeURIComponent(name)}` : ''}`).then((reply) => reply.events),
  tokens: () => call(z.object({ tokens: z.array(apiTokenSchema) }), 'GET', '/api/v1/tokens').then((reply) => reply.tokens),
  createToken: (input: { name: string; role: 'read' | 'deploy' | 'manage' | 'admin'; slots: string[] | null }) => call(tokenCreateResponseSchema, 'POST', '/api/v1/tokens', input),
  revokeToken: (id: string) => call(z.object({ revoked: apiTokenSchema }), 'DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`),
  openapi: () => call(z.record(z.string(), z.unknown()), 'GET', '/api/v1/openapi.json'),
};
