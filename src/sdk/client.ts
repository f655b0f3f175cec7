// A typed client of the berth API, used by the CLI (and later the UI): every answer is checked against the contract.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CLI_TOKEN_FILE, DAEMON_INFO_FILE } from './local-files.js';
import {
  apiErrorSchema,
  deploymentSchema,
  envChangeResponseSchema,
  envListSchema,
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

export function createClient(options: ClientOptions) {
  async function send(method: string, route: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
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

  return {
    status: () => call(z.object({ slots: z.array(slotStatusSchema) }), 'GET', '/api/v1/slots').then((reply) => reply.slots),
    slot: (name: string) => call(slotStatusSchema, 'GET', slot(name)),
    deploy: (name: string, folder: string) => call(deploymentReply, 'POST', `${slot(name)}/deploy`, { path: folder }).then((reply) => reply.deployment!),
    start: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/start`, {}).then((reply) => reply.deployment),
    stop: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/stop`, {}).then((reply) => reply.deployment),
    restart: (name: string) => call(deploymentReply, 'POST', `${slot(name)}/restart`, {}).then((reply) => reply.deployment),
    env: (name: string, reveal = false) => call(envListSchema, 'GET', `${slot(name)}/env${reveal ? '?reveal=1' : ''}`),
    changeEnv: (name: string, changes: { set?: Record<string, string>; unset?: readonly string[] }) => call(envChangeResponseSchema, 'PATCH', `${slot(name)}/env`, changes),
    releases: (name: string) => call(z.object({ live: z.number().nullable(), releases: z.array(releaseSchema) }), 'GET', `${slot(name)}/releases`),
    rollback: (name: string, release?: number) => call(deploymentReply, 'POST', `${slot(name)}/rollback`, release === undefined ? {} : { release }).then((reply) => reply.deployment!),
    deployments: (name: string) => call(z.object({ deployments: z.array(deploymentSchema) }), 'GET', `${slot(name)}/deployments`).then((reply) => reply.deployments),
    events: (name?: string) => call(z.object({ events: z.array(eventSchema) }), 'GET', `/api/v1/events${name ? `?slot=${encodeURIComponent(name)}` : ''}`).then((reply) => reply.events),
    logs: (name: string, query: { tail?: number; after?: number; release?: number } = {}) => call(logsResponseSchema, 'GET', `${slot(name)}/logs${toQuery(query)}`),
    /** Streams a slot's log from the tail or a cursor until the signal aborts; calls onMessage per message. */
    async followLogs(name: string, query: { tail?: number; after?: number; release?: number }, onMessage: (message: z.infer<typeof logStreamMessageSchema>) => void, signal?: AbortSignal): Promise<void> {
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        const response = await send('GET', `${slot(name)}/logs${toQuery({ ...query, follow: 1 })}`, undefined, signal);
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) onMessage(logStreamMessageSchema.parse(JSON.parse(line)));
        }
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      }
    },
  };
}

function toQuery(query: Record<string, number | undefined>): string {
  const entries = Object.entries(query).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? '' : `?${entries.map(([key, value]) => `${key}=${value}`).join('&')}`;
}

export type BerthClient = ReturnType<typeof createClient>;
