// The front's fast path: one visitor connection piped to the live release's process, byte for byte, with no HTTP
// parser in between. The bytes are only framed (http-framing.ts): that tells where each request starts, so a head
// gets X-Forwarded-*, and when the connection is between requests, so that after a switch it moves to the new
// release there — never in the middle of a request — and the old release can drain. A connection that cannot be
// framed with certainty is left alone until it closes or the drain deadline cuts it.
import net from 'node:net';
import { ForwardedHeads } from './forwarded-head.js';
import { FramingError, GOING_AWAY_FRAME, RequestFraming, ResponseFraming, WebSocketFrames } from './http-framing.js';
import { acceptInto, connectInto, ReadSlab } from './own-reads.js';
import { UnansweredRequests } from './replay.js';

/** A release's route, as a fast connection uses it. */
export interface FastRoute {
  port: number;
  isUp(): boolean;
  attach(connection: FastConnection): void;
  detach(connection: FastConnection): void;
}

export interface FastHost {
  /** The route new requests go to now, or null when the slot shows a page or a static site. */
  currentRoute(): FastRoute | null;
  /**
   * Hands the connection to the front's HTTP server (pages, static files), with the bytes read but not handled;
   * returns where the visitor's bytes read from now on go.
   */
  handOff(socket: net.Socket, held: Buffer[]): (bytes: Buffer) => void;
  /** A complete HTTP response (with Connection: close) for a request the route could not take. */
  failure(reason: 'unreachable' | 'down', head: boolean): Buffer;
}

/** Room for reads: small while requests and answers are small, up to the larger size for uploads and downloads. */
const SLAB_BYTES = 16 * 1024;
const LARGE_SLAB_BYTES = 64 * 1024;
/** Visitor connections with nothing in flight for a whole sweep period are closed, like a keep-alive timeout. */
const IDLE_SWEEP_MS = 60_000;
const everyConnection = new Set<FastConnection>();
// One timer for all connections instead of a socket timeout each (which costs a timer update on every read and write).
setInterval(() => {
  for (const connection of everyConnection) connection.sweep();
}, IDLE_SWEEP_MS).unref();

export class FastConnection {
  /** The visitor's socket (a new one for the accepted connection: see own-reads.ts). */
  readonly client: net.Socket;
  private upstream: net.Socket | null = null;
  private connected = false;
  private route: FastRoute | null = null;
  private readonly requests = new RequestFraming();
  private responses = new ResponseFraming();
  /** Methods of the requests sent upstream whose responses have not ended. */
  private outstanding: string[] = [];
  /** Framed bytes waiting for the upstream connection to open. */
  private queued: Buffer[] = [];
  /** Visitor bytes not framed yet: the next request, waiting for the old release to answer the ones before it. */
  private held: Buffer[] = [];
  /** Sent bytes of requests with no response byte yet: safe to send again on a fresh connection. */
  private readonly unanswered = new UnansweredRequests();
  private mode: 'http' | 'tunnel' | 'opaque' = 'http';
  private websocket: WebSocketFrames | null = null;
  private goingAway = false;
  private lastRequest = false;
  /** The last request asked to upgrade to WebSocket. */
  private askedWebSocket = false;
  private upstreamCloses = false;
  private closed = false;
  private readonly forwarded: ForwardedHeads;
  /** Chunks read from the visitor (the idle sweep compares it between two sweeps). */
  private activity = 0;
  private seenActivity = -1;
  // Visitor bytes are held by reference (requests to send again, held and queued bytes, unflushed writes, a hand-off)
  // and never written over meanwhile. Upstream bytes only go to the visitor: their space is reused once that write
  // has flushed.
  private readonly visitorReads = new ReadSlab(SLAB_BYTES, () => this.holdsVisitorBytes(), LARGE_SLAB_BYTES);
  private readonly upstreamReads = new ReadSlab(SLAB_BYTES, () => this.client.writableLength > 0, LARGE_SLAB_BYTES);
  /** After a hand-off to the HTTP server, where the visitor's bytes go. */
  private handedTo: ((bytes: Buffer) => void) | null = null;
  /** The visitor reads slower than the release answers: reading from the release waits for a drain. */
  private upstreamPaused = false;

  /** `accepted` comes from a server with `pauseOnConnect` (own-reads.ts). */
  constructor(
    accepted: net.Socket,
    private readonly host: FastHost,
  ) {
    const client = acceptInto(accepted, this.visitorReads, (chunk) => (this.handedTo ? this.handedTo(chunk) : this.fromClient(chunk)));
    this.client = client;
    this.forwarded = new ForwardedHeads(client.remoteAddress);
    client.setNoDelay(true);
    everyConnection.add(this);
    client.on('end', () => (this.upstream ? this.upstream.end() : client.end()));
    client.on('error', () => client.destroy());
    client.on('close', () => this.finish());
  }

  /** Nothing in flight: no request sent without its whole response, no partial request, no held bytes. */
  get idle(): boolean {
    return this.mode === 'http' && this.outstanding.length === 0 && this.responses.atStart && this.requests.atStart && this.held.length === 0;
  }

  /** A request is on its way or being answered (for the route's in-flight count). */
  get busy(): boolean {
    return this.outstanding.length > 0 || !this.requests.atStart;
  }

  get isWebSocket(): boolean {
    return this.mode === 'tunnel' && this.websocket !== null;
  }

  /** Its route is draining: leave it now when idle, close a WebSocket cleanly; the rest leave at their next boundary. */
  leave(): void {
    if (this.idle) this.release();
    else if (this.mode === 'tunnel' && this.websocket) {
      this.goingAway = true;
      this.maybeGoAway();
    }
  }

  /** Called every IDLE_SWEEP_MS: a connection that stayed idle since the last call is closed. */
  sweep(): void {
    if (this.idle && this.seenActivity === this.activity) this.client.end();
    this.seenActivity = this.activity;
  }

  /** The drain deadline passed with this connection still busy. */
  cut(): void {
    this.client.destroy();
    this.upstream?.destroy();
  }

  private fromClient(chunk: Buffer): void {
    this.activity += 1;
    if (this.mode !== 'http') return this.send(chunk);
    if (this.held.length > 0) {
      this.held.push(chunk);
      return;
    }
    this.frame(chunk, 0);
  }

  private frame(chunk: Buffer, offset: number): void {
    let at = offset;
    while (at < chunk.length && !this.closed) {
      if (this.requests.atStart && !this.routeReady()) {
        this.holdFrom(chunk, at);
        return;
      }
      let piece;
      try {
        piece = this.requests.feed(chunk, at);
      } catch (error) {
        if (!(error instanceof FramingError)) throw error;
        this.mode = 'opaque';
        this.send(chunk.subarray(at));
        return;
      }
      if (piece.kind === 'partial') return;
      if (piece.kind === 'head') {
        this.outstanding.push(piece.head.method);
        if (piece.head.lastRequest) this.lastRequest = true;
        this.askedWebSocket = piece.head.websocket;
        this.send(this.forwarded.head(piece.head));
      } else {
        this.send(chunk.subarray(at, piece.end));
      }
      at = piece.end;
    }
  }

  /**
   * A request begins: is the connection bound to the route that takes new requests? If not, it moves once the
   * requests before it are answered; until then the visitor's bytes are held (false).
   */
  private routeReady(): boolean {
    const target = this.host.currentRoute();
    if (this.route !== null && this.route === target && this.upstream !== null) return true;
    if (this.outstanding.length > 0 || !this.responses.atStart) return false;
    this.release();
    if (target === null || !target.isUp()) return false;
    this.bind(target);
    return true;
  }

  private holdFrom(chunk: Buffer, at: number): void {
    this.held.push(at === 0 ? chunk : chunk.subarray(at));
    this.client.pause();
    if (this.outstanding.length === 0 && this.responses.atStart) this.resumeHeld();
  }

  /** Between requests, with held bytes: bind them to the current route, or hand them to the page server. */
  private resumeHeld(): void {
    const target = this.host.currentRoute();
    if (target === null || !target.isUp()) {
      this.release();
      const held = this.held;
      this.held = [];
      this.detachClient();
      if (target === null) this.handedTo = this.host.handOff(this.client, held);
      else this.answerAndClose('down');
      return;
    }
    const held = this.held;
    this.held = [];
    this.client.resume();
    for (const chunk of held) {
      if (this.held.length > 0) this.held.push(chunk);
      else this.frame(chunk, 0);
    }
  }

  private bind(route: FastRoute): void {
    this.route = route;
    route.attach(this);
    const upstream = connectInto(route.port, this.upstreamReads, (chunk) => this.fromUpstream(chunk), () => this.upstreamPaused);
    this.upstream = upstream;
    this.connected = false;
    this.responses = new ResponseFraming();
    this.upstreamCloses = false;
    upstream.on('connect', () => {
      this.connected = true;
      const queued = this.queued;
      this.queued = [];
      for (const bytes of queued) this.write(upstream, bytes);
    });
    upstream.on('error', () => undefined);
    upstream.on('close', () => this.upstreamClosed(upstream));
  }

  /**
   * Leaves the route; the next request binds again. Only ever between requests (nothing unanswered, nothing left to
   * send) or when a WebSocket goes away, so the connection to the release is closed at once: it reads no more, and so
   * never lands anything in the read slab the next upstream connection uses.
   */
  private release(): void {
    this.upstream?.destroy();
    this.upstream = null;
    this.connected = false;
    this.queued = [];
    const route = this.route;
    this.route = null;
    route?.detach(this);
  }

  private send(bytes: Buffer): void {
    if (this.mode === 'http') this.unanswered.add(bytes);
    if (!this.upstream) return;
    if (this.connected) this.write(this.upstream, bytes);
    else this.queued.push(bytes);
  }

  /** Writes with backpressure: a full receiver pauses the sender until it drains. */
  private write(socket: net.Socket, bytes: Buffer): void {
    if (socket.write(bytes)) return;
    if (socket === this.client) {
      // Reading from the release stops when its read callback returns false; the drain starts it again.
      const upstream = this.upstream;
      if (this.upstreamPaused || !upstream) return;
      this.upstreamPaused = true;
      socket.once('drain', () => {
        this.upstreamPaused = false;
        if (this.upstream === upstream) upstream.resume();
      });
      return;
    }
    this.client.pause();
    socket.once('drain', () => {
      if (this.held.length === 0) this.client.resume();
    });
  }

  /** Whether bytes read from the visitor may still be held somewhere (see visitorReads). */
  private holdsVisitorBytes(): boolean {
    return this.unanswered.holding || this.held.length > 0 || this.queued.length > 0 || this.handedTo !== null || (this.upstream !== null && this.upstream.writableLength > 0);
  }

  private fromUpstream(chunk: Buffer): void {
    this.unanswered.answered();
    if (!this.holdsVisitorBytes()) this.visitorReads.release();
    if (this.mode === 'tunnel') {
      this.websocket?.feed(chunk);
      this.write(this.client, chunk);
      return this.maybeGoAway();
    }
    if (this.mode === 'opaque') return this.write(this.client, chunk);
    let progress;
    try {
      progress = this.responses.feed(chunk, this.outstanding);
    } catch (error) {
      if (!(error instanceof FramingError)) throw error;
      this.mode = 'opaque';
      return this.write(this.client, chunk);
    }
    this.write(this.client, chunk);
    for (let done = 0; done < progress.completed; done += 1) this.outstanding.shift();
    if (progress.closes) this.upstreamCloses = true;
    if (progress.switched) {
      this.mode = 'tunnel';
      this.unanswered.stop();
      if (this.askedWebSocket) {
        this.websocket = new WebSocketFrames();
        this.websocket.feed(chunk.subarray(progress.switchedAt));
        // Upgraded on a release that was switched away from meanwhile: it goes away at once, the client reconnects.
        if (this.route !== this.host.currentRoute()) {
          this.goingAway = true;
          this.maybeGoAway();
        }
      }
      return;
    }
    if (progress.completed > 0 && this.outstanding.length === 0 && this.responses.atStart) this.betweenRequests();
  }

  /** Every request sent has its whole response: move held bytes on, or leave a route that no longer takes requests. */
  private betweenRequests(): void {
    if (this.upstreamCloses || this.lastRequest) return;
    if (this.held.length > 0) this.resumeHeld();
    else if (this.requests.atStart && this.route !== this.host.currentRoute()) this.release();
  }

  private upstreamClosed(upstream: net.Socket): void {
    if (upstream !== this.upstream || this.closed) return;
    const wasConnected = this.connected;
    this.upstream = null;
    this.connected = false;
    const route = this.route;
    this.route = null;
    route?.detach(this);
    if (!wasConnected) {
      // The release refused the connection: the visitor gets the page saying so, as on the HTTP path.
      this.answerAndClose(route?.isUp() === false ? 'down' : 'unreachable');
    } else if (this.mode !== 'http' || this.responses.untilClose || this.upstreamCloses || this.lastRequest) {
      this.client.end();
    } else if (this.outstanding.length === 0 && this.responses.atStart) {
      // The app closed an idle keep-alive connection: the visitor keeps theirs; the next request opens a new one.
      if (this.held.length > 0) this.resumeHeld();
    } else if (this.responses.atStart && this.replay(route)) {
      // It closed as a request arrived, before answering (an idle keep-alive close racing the request): sent again.
    } else if (this.responses.atStart) {
      this.answerAndClose(route?.isUp() === false ? 'down' : 'unreachable');
    } else {
      this.client.destroy();
    }
  }

  /** Sends the unanswered requests again on a fresh connection to `route`, if they may be (replay.ts). */
  private replay(route: FastRoute | null): boolean {
    if (route === null || route !== this.host.currentRoute() || !route.isUp()) return false;
    const again = this.unanswered.takeForReplay(this.outstanding);
    if (again === null) return false;
    this.bind(route);
    this.queued = again;
    return true;
  }

  private answerAndClose(reason: 'unreachable' | 'down'): void {
    this.mode = 'opaque';
    this.client.end(this.host.failure(reason, this.outstanding[0] === 'HEAD'));
  }

  private maybeGoAway(): void {
    if (!this.goingAway || !this.websocket?.atBoundary) return;
    this.goingAway = false;
    this.client.end(GOING_AWAY_FRAME);
    this.release();
  }

  private detachClient(): void {
    everyConnection.delete(this);
    this.client.removeAllListeners('end');
    this.client.removeAllListeners('close');
    this.closed = true;
  }

  private finish(): void {
    everyConnection.delete(this);
    if (this.closed) return;
    this.closed = true;
    this.upstream?.destroy();
    this.upstream = null;
    const route = this.route;
    this.route = null;
    route?.detach(this);
  }
}
