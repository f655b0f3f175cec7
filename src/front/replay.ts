// Requests that may be sent again. An app may close an idle keep-alive connection just as a request arrives on it,
// before answering; the visitor did nothing wrong, so the fast path sends the request once more on a fresh
// connection — if it is idempotent (RFC 9110 §9.2.2: an app that died mid-POST may have acted on it) and was kept.

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** Bytes of unanswered requests kept for sending again; past this they are not kept (the visitor gets the 502 page). */
const REPLAY_LIMIT = 64 * 1024;

/** What was sent upstream since the last response began: held by reference, not copied. */
export class UnansweredRequests {
  private kept: Buffer[] | null = [];
  private bytes = 0;

  /** Bytes sent since the last response began are held (even past the limit, when they stop being kept). */
  get holding(): boolean {
    return this.bytes > 0;
  }

  add(bytes: Buffer): void {
    if (this.kept === null) return;
    this.bytes += bytes.length;
    if (this.bytes > REPLAY_LIMIT) this.kept = null;
    else this.kept.push(bytes);
  }

  /** A response began: what was sent before can no longer be sent again safely; later requests can. */
  answered(): void {
    if (this.kept === null) this.kept = [];
    else this.kept.length = 0;
    this.bytes = 0;
  }

  /** The connection is no longer HTTP (it switched protocols): nothing is sent again. */
  stop(): void {
    this.kept = null;
  }

  /** The bytes to send again, once, when every request waiting (`methods`) is idempotent; else null. */
  takeForReplay(methods: readonly string[]): Buffer[] | null {
    const kept = this.kept;
    if (kept === null || kept.length === 0 || !methods.every((method) => IDEMPOTENT.has(method))) return null;
    this.kept = null;
    return kept;
  }
}
