// A typed client of the berth API, used by the CLI (and later the UI): every answer is checked against the contract.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { CLI_TOKEN_FILE, DAEMON_INFO_FILE } from './local-files.js';
import {
  apiErrorSchema,
  deployLogLineSchema,
  deployStreamMessageSchema,
  deploymentSchema,
  settingsResponseSchema,
  type Deployment,
  type SlotSettingsView,
  envChangeResponseSchema,
  envListSchema,
  envRevealResponseSchema,
  apiTokenSchema,
  databaseServerSchema,
  replacedSchema,
  slotDatabaseSchema,
  snapshotSchema,
  hookDeliverySchema,
  hookSecretSchema,
  slotHooksSchema,
  convexStatusSchema,
  findingSchema,
  tokenCreateResponseSchema,
  loginCodeSchema,
  type ApiTokenView,
  eventSchema,
  logStreamMessageSchema,
  logsResponseSchema,
  releaseSchema,
  slotStatusSchema,
} from './schemas.js';

export class BerthApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly remedy: string | undefined,
    readonly details: Record<string, unknown> | undefined,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BerthApiError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
}

const deploymentReply = z.object({ deployment: deploymentSchema.nullable() });

/** Connects to the daemon that uses this BERTH_HOME, from the files it left there. */
export function connectLocal(home: string): ClientOptions {
  const unreachable = (why: string) =>
    new BerthApiError('ERR_DAEMON_UNREACHABLE', `No berth daemon found for BERTH_HOME=${home}: ${why}.`, 'Start berth with `npm start` (or `berth up`) and check BERTH_HOME points at the same folder.', undefined, 0);
  let info: { apiUrl?: string };
  try {
    info = JSON.parse(fs.readFileSync(path.join(home, DAEMON_INFO_FILE), 'utf8'));
  } catch {
    throw unreachable('it is not running (no run/daemon.json)');
  }
  let token: string;
  try {
    token = fs.readFileSync(path.join(home, CLI_TOKEN_FILE), 'utf8').trim();
  } catch {
    throw unreachable(`its token file ${CLI_TOKEN_FILE} cannot be read by this user`);
  }
  if (!info.apiUrl) throw unreachable('run/daemon.json names no API address');
  return { baseUrl: info.apiUrl, token };
}

/** A request body read from a file (a database dump). */
class FileBody {
  constructor(readonly path: string) {}
}

export function createClient(options: ClientOptions) {
  /** A body is sent as JSON, unless it is a file: then its bytes are streamed as application/octet-stream. */
  async function send(method: string, route: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    const file = body instanceof FileBody ? body : null;
    try {
      response = await fetch(`${options.baseUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': file ? 'application/octet-stream' : 'application/json' }) },
        body: file ? (Readable.toWeb(fs.createReadStream(file.path)) as unknown as RequestInit['body']) : body === undefined ? undefined : JSON.stringify(body),
        signal,
        ...(file ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new BerthApiError('ERR_DAEMON_UNREACHABLE', `Cannot reach the berth daemon at ${options.baseUrl}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}.`, 'Start berth with `npm start` (or `berth up`).', undefined, 0);
    }
    if (!response.ok) {
      const parsed = apiErrorSchema.safeParse(await response.json().catch(() => null));
      if (parsed.success) throw new BerthApiError(parsed.data.code, parsed.data.message, parsed.data.remedy, parsed.data.details, response.status);
      throw new BerthApiError('ERR_INTERNAL', `The daemon answered HTTP ${response.status} without an error body.`, undefined, undefined, response.status);
    }
    return response;
  }

  async function call<T extends z.ZodType>(schema: T, method: string, route: string, body?: unknown): Promise<z.infer<T>> {
    const response = await send(method, route, body);
    return schema.parse(await response.json());
  }

  const slot = (name: string) => `/api/v1/slots/${encodeURIComponent(name)}`;

  /** Queues a deployment (a folder, or the slot's repository at its branch tip or a given commit); answers at once. */
  const startDeploy = (name: string, source: { path: string } | { commit?: string }) => call(deploymentReply, 'POST', `${slot(name)}/deploy`, source).then((reply) => reply.deployment!);
  const deployment = (id: string) => call(deploymentReply, 'GET', `/api/v1/deployments/${encodeURIComponent(id)}`).then((reply) => reply.deployment!);

  /** Streams a deployment's log from a cursor until it ends; returns its final record. */
  async function followDeployment(id: string, after: number, onLines: (lines: Array<z.infer<typeof deployLogLineSchema>>) => void, signal?: AbortSignal): Promise<Deployment> {
    let final: Deployment | null = null;
    const response = await send('GET', `/api/v1/deployments/${encodeURIComponent(id)}/log?follow=1&after=${after}`, undefined, signal);
    try {
      await readNdjson(response, (value) => {
        const message = deployStreamMessageSchema.parse(value);
        if (message.type === 'lines') onLines(message.lines);
        else final = message.deployment;
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError' || error instanceof z.ZodError) throw error;
    }
    // The stream can break (daemon restart): the record then says where things stand.
    return final ?? (await deployment(id));
  }

  return {
    status: () => call(z.object({ slots: z.array(slotStatusSchema) }), 'GET', '/api/v1/slots').then((reply) => reply.slots),
    slot: (name: string) => call(slotStatusSchema, 'GET', slot(name)),
    startDeploy,
    /** Deploys and waits for the result; a deployment that did not succeed is thrown as its error. */
    async deploy(name: string, folder?: string): Promise<Deployment> {
      const started = await startDeploy(name, folder === undefined ? {} : { path: folder });
      return throwIfFailed(await followDeployment(started.id, 0, () => undefined));
    },
    deployment,
    deployLog: (id: string, after = 0) => call(z.object({ lines: z.array(deployLogLineSchema), cursor: z.number(), deployment: deploymentSchema }), 'GET', `/api/v1/deployments/${encodeURIComponent(id)}/log?after=${after}`),
    followDeployment,
    cancelDeploy: (name: string) => call(z.object({ cancelled: z.array(z.string()) }), 'POST', `${slot(name)}/deploy/cancel`, {}).then((reply) => reply.cancelled),
    settings: (name: string) => call(settingsResponseSchema, 'GET', `${slot(name)}/settings`),
    updateSettings: (name: string, patch: SlotSettingsView) => call(settingsResponseSchema, 'PATCH', `${slot(name)}/settings`, patch),
    deployKey: (name: string, rotate = false) => call(z.object({ slot: z.string(), publicKey: z.string() }), 'POST', `${slot(name)}/deploy-key`, { rotate }),
    setGitToken: (token: string, options: { slot?: string; username?: string } = {}) => call(z.object({ scope: z.string() }), 'PUT', '/api/v1/git-token', { token, ...options }),
    clearGitToken: (name?: string) => call(z.object({ scope: z.string() }), 'DELETE', `/api/v1/git-token${name ? `?slot=${encodeURIComponent(name)}` : ''}`),
    start: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/start`, {}).then((reply) => reply.deployment),
    stop: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/stop`, {}).then((reply) => reply.deployment),
    restart: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/restart`, {}).then((reply) => reply.deployment),
    env: (name: string) => call(envListSchema, 'GET', `${slot(name)}/env`),
    revealEnv: (name: string, key: string) => call(envRevealResponseSchema, 'POST', `${slot(name)}/env/reveal`, { key }).then((reply) => reply.value),
    changeEnv: (name: string, changes: { set?: Record<string, string>; unset?: readonly string[]; secret?: readonly string[]; plain?: readonly string[] }) =>
      call(envChangeResponseSchema, 'PATCH', `${slot(name)}/env`, changes),
    importEnv: (name: string, text: string, secret = false) => call(envChangeResponseSchema, 'POST', `${slot(name)}/env/import`, { text, secret }),
    clear: (name: string) => call(z.object({ ok: z.literal(true) }), 'POST', `${slot(name)}/clear`, { confirm: name }),
    tokens: () => call(z.object({ tokens: z.array(apiTokenSchema) }), 'GET', '/api/v1/tokens').then((reply) => reply.tokens),
    createToken: (input: { name: string; role: ApiTokenView['role']; slots?: string[] | null }) => call(tokenCreateResponseSchema, 'POST', '/api/v1/tokens', input),
    revokeToken: (idOrName: string) => call(z.object({ revoked: apiTokenSchema }), 'DELETE', `/api/v1/tokens/${encodeURIComponent(idOrName)}`).then((reply) => reply.revoked),
    database: (name: string) => call(slotDatabaseSchema, 'GET', `${slot(name)}/database`),
    databaseServer: () => call(databaseServerSchema, 'GET', '/api/v1/database'),
    enableDatabase: (name: string) => call(slotDatabaseSchema, 'POST', `${slot(name)}/database/enable`, {}),
    disableDatabase: (name: string, drop = false) => call(slotDatabaseSchema, 'POST', `${slot(name)}/database/disable`, drop ? { drop, confirm: name } : {}),
    databaseUrl: (name: string) => call(z.object({ url: z.string() }), 'POST', `${slot(name)}/database/url`, {}).then((reply) => reply.url),
    snapshots: (name: string) => call(z.object({ snapshots: z.array(snapshotSchema) }), 'GET', `${slot(name)}/database/snapshots`).then((reply) => reply.snapshots),
    snapshot: (name: string, snapshotName?: string) => call(snapshotSchema, 'POST', `${slot(name)}/database/snapshots`, snapshotName ? { name: snapshotName } : {}),
    restoreSnapshot: (name: string, snapshotName: string) => call(replacedSchema, 'POST', `${slot(name)}/database/snapshots/${encodeURIComponent(snapshotName)}/restore`, {}),
    deleteSnapshot: (name: string, snapshotName: string) => call(z.object({ ok: z.literal(true) }), 'DELETE', `${slot(name)}/database/snapshots/${encodeURIComponent(snapshotName)}`),
    resetDatabase: (name: string) => call(replacedSchema, 'POST', `${slot(name)}/database/reset`, { confirm: name }),
    cloneDatabase: (name: string, from: string) => call(replacedSchema, 'POST', `${slot(name)}/database/clone`, { from }),
    /** The backup file as a stream of bytes. */
    backupDatabase: async (name: string) => (await send('GET', `${slot(name)}/database/backup`)).body!,
    restoreDatabaseFile: (name: string, file: string) => call(replacedSchema, 'POST', `${slot(name)}/database/restore-file`, new FileBody(file)),
    convex: (name: string, reveal = false) => (reveal ? call(convexStatusSchema, 'POST', `${slot(name)}/convex/reveal`, {}) : call(convexStatusSchema, 'GET', `${slot(name)}/convex`)),
    convexBackendEnv: (name: string, reveal = false) =>
      (reveal ? call(z.object({ slot: z.string(), env: z.record(z.string(), z.string()) }), 'POST', `${slot(name)}/convex/backend-env/reveal`, {}) : call(z.object({ slot: z.string(), env: z.record(z.string(), z.string()) }), 'GET', `${slot(name)}/convex/backend-env`)).then((reply) => reply.env),
    changeConvexBackendEnv: (name: string, changes: { set?: Record<string, string>; unset?: string[] }) =>
      call(z.object({ slot: z.string(), env: z.record(z.string(), z.string()) }), 'PATCH', `${slot(name)}/convex/backend-env`, changes).then((reply) => reply.env),
    convexReset: (name: string, change: { storage?: 'sqlite' | 'postgres'; files?: 'local' | 's3' } = {}) =>
      call(z.object({ exportDir: z.string(), convexExport: z.string().nullable(), kept: z.array(z.string()), notes: z.array(z.string()) }), 'POST', `${slot(name)}/convex/reset`, { ...change, confirm: name }),
    convexDoctor: (name: string) =>
      call(z.object({ findings: z.array(findingSchema) }), 'GET', `${slot(name)}/convex/doctor`).then((reply) => reply.findings),
    slotHooks: (name: string) => call(slotHooksSchema, 'GET', `${slot(name)}/hooks`),
    revealHookSecret: (name: string) => call(hookSecretSchema, 'POST', `${slot(name)}/hooks/secret/reveal`, {}),
    newSlotHookSecret: (name: string) => call(hookSecretSchema, 'POST', `${slot(name)}/hooks/secret`, {}),
    removeSlotHookSecret: (name: string) => call(z.object({ ok: z.literal(true) }), 'DELETE', `${slot(name)}/hooks/secret`),
    rotateWorkspaceHookSecret: () => call(hookSecretSchema, 'POST', '/api/v1/hooks/secret/rotate', {}),
    hookDeliveries: (options: { slot?: string; limit?: number } = {}) => {
      const query = new URLSearchParams(Object.entries(options).filter(([, value]) => value !== undefined).map(([key, value]): [string, string] => [key, String(value)]));
      return call(z.object({ deliveries: z.array(hookDeliverySchema) }), 'GET', `/api/v1/hooks/deliveries${query.size ? `?${query}` : ''}`).then((reply) => reply.deliveries);
    },
    redeliverHook: (id: number) => call(hookDeliverySchema, 'POST', `/api/v1/hooks/deliveries/${id}/redeliver`, {}),
    loginCode: () => call(loginCodeSchema, 'POST', '/api/v1/auth/login-codes', {}),
    setPassword: (password: string) => call(z.object({ ok: z.literal(true) }), 'PUT', '/api/v1/auth/password', { password }),
    releases: (name: string) => call(z.object({ live: z.number().nullable(), releases: z.array(releaseSchema) }), 'GET', `${slot(name)}/releases`),
    rollback: (name: string, release?: number) => call(deploymentReply, 'POST', `${slot(name)}/rollback`, release === undefined ? {} : { release }).then((reply) => reply.deployment!),
    deployments: (name: string) => call(z.object({ deployments: z.array(deploymentSchema) }), 'GET', `${slot(name)}/deployments`).then((reply) => reply.deployments),
    events: (name?: string) => call(z.object({ events: z.array(eventSchema) }), 'GET', `/api/v1/events${name ? `?slot=${encodeURIComponent(name)}` : ''}`).then((reply) => reply.events),
    logs: (name: string, query: { tail?: number; after?: number; release?: number } = {}) => call(logsResponseSchema, 'GET', `${slot(name)}/logs${toQuery(query)}`),
    /** Streams a slot's log from the tail or a cursor until the signal aborts; calls onMessage per message. */
    async followLogs(name: string, query: { tail?: number; after?: number; release?: number }, onMessage: (message: z.infer<typeof logStreamMessageSchema>) => void, signal?: AbortSignal): Promise<void> {
      try {
        const response = await send('GET', `${slot(name)}/logs${toQuery({ ...query, follow: 1 })}`, undefined, signal);
        await readNdjson(response, (value) => onMessage(logStreamMessageSchema.parse(value)));
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      }
    },
  };
}

/** Calls onValue for each JSON line of a streamed answer (blank heartbeat lines are skipped). */
async function readNdjson(response: Response, onValue: (value: unknown) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onValue(JSON.parse(line));
  }
}

/** A deployment that ended in anything but success, as the error it ended with. */
export function throwIfFailed(deployment: Deployment): Deployment {
  if (deployment.status === 'succeeded') return deployment;
  const error = deployment.error ?? { code: 'ERR_INTERNAL', message: `Deployment ${deployment.id} ended ${deployment.status}.`, remedy: '' };
  throw new BerthApiError(error.code, error.message, error.remedy || undefined, { deployment: deployment.id, status: deployment.status }, 0);
}

function toQuery(query: Record<string, number | undefined>): string {
  const entries = Object.entries(query).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? '' : `?${entries.map(([key, value]) => `${key}=${value}`).join('&')}`;
}

export type BerthClient = ReturnType<typeof createClient>;
