// A route to one release's process: the fast-path connections bound to it (fast-connection.ts), keep-alive
// forwarding of the requests that arrive through the front's HTTP server (connections opened while the slot showed a
// page), in-flight counting, and draining both.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastConnection } from './fast-connection.js';
import { rawResponseHead, requestHeadersFor, responseHeadersFor } from './forward-headers.js';

export type ProxyFailure = 'unreachable' | 'down';

export interface ProxyRouteOptions {
  port: number;
  /** Whether the process is up now (false while it restarts): requests then get the "down" page at once. */
  isUp(): boolean;
}

export interface DrainResult {
  /** True when every in-flight request finished before the deadline. */
  completed: boolean;
  /** Requests and upgraded connections cut off. */
  cut: number;
}

export function createProxyRoute(options: ProxyRouteOptions) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const active = new Set<ServerResponse>();
  const upgraded = new Set<Duplex>();
  const connections = new Set<FastConnection>();
  let idleWaiter: (() => void) | null = null;

  const checkIdle = () => {
    if (active.size === 0 && connections.size === 0) idleWaiter?.();
  };
  function finished(res: ServerResponse): void {
    active.delete(res);
    checkIdle();
  }

  return {
    port: options.port,
    isUp: options.isUp,
    get inFlight(): number {
      let busy = active.size;
      for (const connection of connections) if (connection.busy) busy += 1;
      return busy;
    },
    attach(connection: FastConnection): void {
      connections.add(connection);
    },
    detach(connection: FastConnection): void {
      connections.delete(connection);
      checkIdle();
    },

    handle(req: IncomingMessage, res: ServerResponse, fail: (reason: ProxyFailure) => void): void {
      if (!options.isUp()) {
        fail('down');
        return;
      }
      active.add(res);
      const head = requestHeadersFor(req, false);
      const upstreamReq = http.request({ host: '127.0.0.1', port: options.port, method: req.method, path: req.url, headers: head.headers, agent });
      upstreamReq.on('response', (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, responseHeadersFor(upstreamRes));
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
      });
      upstreamReq.on('error', () => {
        if (res.headersSent) res.destroy();
        else fail(options.isUp() ? 'unreachable' : 'down');
      });
      res.once('close', () => {
        finished(res);
        // A client that went away cancels the upstream request too.
        if (!res.writableFinished) upstreamReq.destroy();
      });
      if (head.hasBody) {
        req.pipe(upstreamReq);
      } else {
        // Most requests have no body: end at once instead of paying for a pipe.
        upstreamReq.end();
        req.resume();
      }
    },

    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, fail: (reason: ProxyFailure) => void): void {
      if (!options.isUp()) {
        fail('down');
        return;
      }
      const upstreamReq = http.request({
        host: '127.0.0.1',
        port: options.port,
        method: req.method,
        path: req.url,
        headers: requestHeadersFor(req, true).headers,
      });
      upstreamReq.on('upgrade', (upstreamRes, upstreamSocket, upstreamHead) => {
        socket.write(rawResponseHead(upstreamRes.statusCode ?? 101, upstreamRes.statusMessage ?? 'Switching Protocols', upstreamRes.rawHeaders));
        if (upstreamHead.length > 0) socket.write(upstreamHead);
        upgraded.add(socket);
        socket.once('close', () => upgraded.delete(socket));
        upstreamSocket.pipe(socket).pipe(upstreamSocket);
        upstreamSocket.on('error', () => socket.destroy());
        socket.on('error', () => upstreamSocket.destroy());
        socket.once('close', () => upstreamSocket.destroy());
        upstreamSocket.once('close', () => socket.destroy());
      });
      upstreamReq.on('response', (upstreamRes) => {
        // The app refused the upgrade: relay its answer as is.
        socket.write(rawResponseHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage ?? '', upstreamRes.rawHeaders));
        upstreamRes.pipe(socket);
      });
      upstreamReq.on('error', () => fail(options.isUp() ? 'unreachable' : 'down'));
      socket.on('error', () => upstreamReq.destroy());
      if (head.length > 0) upstreamReq.write(head);
      upstreamReq.end();
    },

    /**
     * Called once this route no longer receives new requests. Upgraded connections (WebSockets) are closed at once so
     * clients reconnect to the new release; plain requests may finish until the deadline, then are cut.
     */
    async drain(timeoutMs: number): Promise<DrainResult> {
      let cut = upgraded.size;
      for (const socket of upgraded) socket.destroy();
      upgraded.clear();
      // Idle connections leave now; busy ones at the end of their response; WebSockets get a clean close.
      for (const connection of [...connections]) {
        const websocket = connection.isWebSocket;
        connection.leave();
        if (websocket) cut += 1;
      }
      let completed = active.size === 0 && connections.size === 0;
      if (!completed) {
        completed = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), timeoutMs);
          idleWaiter = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
      }
      idleWaiter = null;
      // WebSockets were counted when they were told to go away.
      cut += active.size + [...connections].filter((connection) => !connection.isWebSocket).length;
      for (const res of active) res.destroy();
      for (const connection of [...connections]) connection.cut();
      agent.destroy();
      return { completed, cut };
    },
  };
}

export type ProxyRoute = ReturnType<typeof createProxyRoute>;
