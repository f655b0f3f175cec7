// A slot's public listener. A connection accepted while the slot runs an app takes the fast path: piped to the
// release's process and only framed (fast-connection.ts). Otherwise — a page, a static site, a release that is
// down — it goes to an HTTP server of the front's own (which never listens), that also answers requests the fast path
// hands over. The route is swapped atomically; connections follow at their next request boundary.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { FastConnection, type FastHost } from './fast-connection.js';
import { withHeldBytes } from './held-socket.js';
import { listenOn } from './listen.js';
import { placeholderPage, sendPage, unavailablePage, type SlotPageInfo } from './pages.js';
import type { ProxyFailure, ProxyRoute } from './proxy-route.js';
import { serveStatic, type StaticSite } from './static-files.js';

export type FrontRoute =
  | { kind: 'placeholder' }
  | { kind: 'down'; headline: string; detail: string }
  | { kind: 'proxy'; route: ProxyRoute }
  | { kind: 'static'; site: StaticSite };

export interface SlotFrontOptions {
  slot: string;
  host: string;
  port: number;
  pageInfo: SlotPageInfo;
}

const RETRY_AFTER_SECONDS = '5';

export function createSlotFront(options: SlotFrontOptions) {
  let current: FrontRoute = { kind: 'placeholder' };
  const info = options.pageInfo;

  /** The page for a release that refused the connection (502) or is down (503), on either path. */
  function failurePage(reason: ProxyFailure | 'down-page', headline?: string, detail?: string): { status: number; html: string } {
    if (reason === 'unreachable') {
      return { status: 502, html: unavailablePage(info, 'The app is not answering', `The app in slot ${options.slot} did not accept the connection. berth is watching it; try again in a few seconds.`) };
    }
    return { status: 503, html: unavailablePage(info, headline ?? 'The app is restarting', detail ?? `The app in slot ${options.slot} is starting again; try again in a few seconds.`) };
  }

  function sendFailure(res: http.ServerResponse, reason: ProxyFailure | 'down-page', headline?: string, detail?: string): void {
    const page = failurePage(reason, headline, detail);
    sendPage(res, page.status, page.html, { 'retry-after': RETRY_AFTER_SECONDS });
  }

  const pages = http.createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 }, (req, res) => {
    // Read the route once: a swap during this request does not affect it.
    const route = current;
    switch (route.kind) {
      case 'proxy':
        // The connection was opened while the slot showed a page: it ends after this answer, so the visitor's next
        // connection takes the fast path.
        res.setHeader('connection', 'close');
        route.route.handle(req, res, (reason) => sendFailure(res, reason));
        return;
      case 'static':
        serveStatic(route.site, req, res, () => sendPage(res, 404, unavailablePage(info, 'Not found', `There is no ${req.url} on this site.`)));
        return;
      case 'down':
        sendFailure(res, 'down-page', route.headline, route.detail);
        return;
      default:
        sendPage(res, 200, placeholderPage(info));
    }
  });

  pages.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    const route = current;
    if (route.kind !== 'proxy') {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    route.route.handleUpgrade(req, socket, head, () => socket.end(`HTTP/1.1 502 Bad Gateway\r\nretry-after: ${RETRY_AFTER_SECONDS}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`));
  });

  // A malformed request gets a plain 400, never a stack trace.
  pages.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const host: FastHost = {
    currentRoute: () => (current.kind === 'proxy' ? current.route : null),
    handOff: (socket, held) => {
      const handed = withHeldBytes(socket, held);
      pages.emit('connection', handed.stream);
      return handed.feed;
    },
    failure: (reason, head) => failureResponse(reason, head),
  };
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  // Accepted sockets start paused: a fast connection moves its socket's handle before anything is read (own-reads.ts).
  const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => {
    if (current.kind === 'proxy' && current.route.isUp()) {
      track(new FastConnection(socket, host).client);
      return;
    }
    track(socket);
    pages.emit('connection', socket);
    socket.resume();
  });

  /** The page the HTTP path sends for the same failure, as bytes, for a connection on the fast path. */
  function failureResponse(reason: 'unreachable' | 'down', head: boolean): Buffer {
    const page = failurePage(reason);
    const body = Buffer.from(page.html);
    const status = `${page.status} ${http.STATUS_CODES[page.status]}`;
    return Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\ncontent-type: text/html; charset=utf-8\r\ncache-control: no-store\r\nretry-after: ${RETRY_AFTER_SECONDS}\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n`), head ? Buffer.alloc(0) : body]);
  }

  return {
    slot: options.slot,
    get route(): FrontRoute {
      return current;
    },
    async listen(): Promise<number> {
      return listenOn(server, options.host, options.port, `slot ${options.slot}`);
    },
    /** Swaps the route in one assignment and returns the previous one, for the caller to drain. */
    show(route: FrontRoute): FrontRoute {
      const previous = current;
      current = route;
      return previous;
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        pages.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

export type SlotFront = ReturnType<typeof createSlotFront>;
