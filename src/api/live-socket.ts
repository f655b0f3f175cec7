// The one live endpoint (/api/v1/live, WebSocket): slot states, events, app log lines, deployment stages and log
// lines. The caller is checked before the upgrade completes. Every message carries a cursor, so a client that
// reconnects and subscribes again with its cursors misses nothing and sees nothing twice. A client that falls more
// than 1 MiB behind is disconnected (code 4008) and catches up from its cursors: it never grows the daemon's memory.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { allows, type AdminAuth, type Principal } from '../auth/admin-auth.js';
import { BerthError } from '../errors/berth-error.js';
import { toReplyError } from './error-reply.js';
import type { Logger } from '../log/logger.js';
import { liveRequestSchema, type LiveMessage, type LiveRequest } from '../sdk/schemas.js';
import type { DeployService } from '../slots/deploy-service.js';
import type { SlotService } from '../slots/slot-service.js';
import type { StateStore } from '../store/state-store.js';
import type { LiveHub } from './live-hub.js';
import { originAllowed } from './request-guard.js';

export const LIVE_PATH = '/api/v1/live';
const MAX_BUFFERED_BYTES = 1024 * 1024;
const EVENT_PAGE = 500;

interface LiveDeps {
  auth: AdminAuth;
  hub: LiveHub;
  service: SlotService;
  deploys: DeployService;
  store: StateStore;
  logger: Logger;
}

function refuse(socket: Duplex, status: string, message: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify(message)}`);
}

export function attachLiveSocket(app: FastifyInstance, deps: LiveDeps): void {
  const server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = (request.url ?? '').split('?')[0];
    if (url !== LIVE_PATH) return refuse(socket, '404 Not Found', `no WebSocket endpoint at ${url}`);
    const hosts = [request.headers.host, request.headers['x-forwarded-host']].filter((host): host is string => typeof host === 'string').map((host) => host.toLowerCase());
    // A page on another site must not open the socket with the owner's cookie (cross-site WebSocket hijacking).
    if (!originAllowed(request.headers as { origin?: string }, hosts)) return refuse(socket, '403 Forbidden', 'cross-origin WebSocket refused');
    const principal = deps.auth.identify(request.headers);
    if (!principal) return refuse(socket, '401 Unauthorized', 'sign in first: no valid session cookie or token');
    server.handleUpgrade(request, socket, head, (ws) => serve(ws, principal, deps));
  });
  // Before the HTTP server closes: it waits for its connections, and an upgraded socket still counts as one.
  app.addHook('preClose', async () => {
    for (const client of server.clients) client.close(1001, 'berth is stopping');
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const client of server.clients) client.terminate();
    server.close();
  });
}

function serve(ws: WebSocket, principal: Principal, deps: LiveDeps): void {
  const subscriptions = new Map<string, () => void>();
  const endAll = () => {
    subscriptions.forEach((stop) => stop());
    subscriptions.clear();
  };
  const send = (message: LiveMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      endAll();
      ws.close(4008, 'too slow: reconnect and subscribe again with your cursors');
      return;
    }
    ws.send(JSON.stringify(message));
  };
  const mayRead = (slot: string) => allows(principal, 'read', slot);

  function subscribe(request: Extract<LiveRequest, { type: 'subscribe' }>): void {
    const key = keyOf(request);
    subscriptions.get(key)?.();
    switch (request.topic) {
      case 'slots': {
        const visible = (slots: ReturnType<LiveHub['slots']>) => slots.filter((slot) => mayRead(slot.slot));
        send({ type: 'slots', slots: visible(deps.hub.slots()) });
        subscriptions.set(key, deps.hub.onSlots((slots) => send({ type: 'slots', slots: visible(slots) })));
        return;
      }
      case 'events': {
        // Replay and subscribe in one tick: events are written synchronously, so none falls between the two.
        let cursor = request.after ?? deps.store.lastEventId();
        for (;;) {
          const page = deps.store.listEvents({ afterId: cursor, limit: EVENT_PAGE, oldestFirst: true });
          if (page.length === 0) break;
          cursor = page.at(-1)!.id;
          const events = page.filter((event) => event.slot === null || mayRead(event.slot)).map(({ data: _data, ...event }) => event);
          send({ type: 'events', events, cursor });
        }
        subscriptions.set(
          key,
          deps.store.onChange((change) => {
            if (change.kind !== 'event' || change.event.id <= cursor) return;
            cursor = change.event.id;
            const { data: _data, ...event } = change.event;
            send({ type: 'events', events: event.slot === null || mayRead(event.slot) ? [event] : [], cursor });
          }),
        );
        return;
      }
      case 'logs': {
        if (!mayRead(request.slot)) throw forbidden(request.slot);
        const log = deps.service.log(request.slot);
        const page = log.read(request.after === undefined ? { tail: request.tail ?? 200 } : { after: request.after });
        if (page.missed > 0) send({ type: 'missed', topic: 'logs', slot: request.slot, count: page.missed, reason: 'rotated away before they were read' });
        send({ type: 'logs', slot: request.slot, lines: page.lines, cursor: page.cursor });
        subscriptions.set(key, log.follow(page.cursor, (lines) => send({ type: 'logs', slot: request.slot, lines, cursor: lines.at(-1)!.seq })));
        return;
      }
      case 'deployment': {
        const deployment = deps.deploys.get(request.id);
        if (!mayRead(deployment.slot)) throw forbidden(deployment.slot);
        send({ type: 'deployment', deployment });
        const offChange = deps.store.onChange((change) => {
          if (change.kind === 'deployment' && change.id === request.id) send({ type: 'deployment', deployment: deps.deploys.get(request.id) });
        });
        let cursor = request.after ?? 0;
        const offLog = deps.deploys.follow(
          request.id,
          cursor,
          (lines) => {
            cursor = lines.at(-1)?.n ?? cursor;
            send({ type: 'deployment-log', id: request.id, lines, cursor });
          },
          () => undefined,
        );
        subscriptions.set(key, () => {
          offChange();
          offLog();
        });
        return;
      }
    }
  }

  ws.on('message', (data) => {
    try {
      const request = liveRequestSchema.parse(JSON.parse(String(data)));
      if (request.type === 'subscribe') subscribe(request);
      else {
        subscriptions.get(keyOf(request))?.();
        subscriptions.delete(keyOf(request));
      }
    } catch (error) {
      const failure = error instanceof SyntaxError ? new BerthError('ERR_BAD_REQUEST', `A live request must be JSON: ${error.message}.`) : toReplyError(error);
      if (failure.code === 'ERR_INTERNAL') deps.logger.error({ err: error }, 'live request failed');
      const { code, message, remedy } = failure.toJSON();
      send({ type: 'error', code, message, remedy });
    }
  });
  ws.on('close', endAll);
  ws.on('error', (error) => deps.logger.debug({ err: error }, 'live socket error'));
}

function keyOf(request: { topic: string; slot?: string; id?: string }): string {
  return `${request.topic}:${request.slot ?? request.id ?? ''}`;
}

function forbidden(slot: string): BerthError {
  return new BerthError('ERR_FORBIDDEN', `This caller may not read slot ${slot}.`, { details: { needs: 'read', slot } });
}
