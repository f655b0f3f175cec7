// The request head the fast path sends upstream: as the visitor sent it, or with X-Forwarded-For/Proto/Host added
// for a visitor from another machine. A visitor on loopback (a browser on this machine, the Coder agent that carries
// every workspace app's traffic) gets none: they would say nothing the app does not see anyway (the peer is 127.0.0.1
// either way; Host and the scheme are unchanged), and skipping them spares a copy here and three headers in the app.
import type { RequestHead } from './http-framing.js';

function isLoopback(address: string | undefined): boolean {
  return address === undefined || address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export class ForwardedHeads {
  private readonly add: boolean;
  /** The added headers for the last Host seen (a connection nearly always sends one Host). */
  private suffix = Buffer.alloc(0);
  private suffixHost: string | null = null;

  constructor(private readonly visitor: string | undefined) {
    this.add = !isLoopback(visitor);
  }

  /** The head to send: the visitor's bytes as they are, or a copy with the headers added before its blank line. */
  head(head: RequestHead): Buffer {
    if (!this.add) return head.buffer.subarray(head.start, head.end);
    const host = head.buffer.toString('latin1', head.facts.hostStart, head.facts.hostEnd);
    if (head.facts.forwarded) return this.extended(head, host);
    if (host !== this.suffixHost) {
      this.suffixHost = host;
      this.suffix = Buffer.from(`X-Forwarded-For: ${this.visitor ?? ''}\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: ${host}\r\n\r\n`, 'latin1');
    }
    return Buffer.concat([head.buffer.subarray(head.start, head.end - 2), this.suffix]);
  }

  /** Rare: a proxy in front already added X-Forwarded-*. Its chain is extended, its scheme and host kept. */
  private extended(head: RequestHead, host: string): Buffer {
    const lines = head.buffer.toString('latin1', head.start, head.end - 4).split('\r\n');
    const isFor = (line: string) => /^x-forwarded-for:/i.test(line);
    const chain = lines.filter(isFor).map((line) => line.slice(line.indexOf(':') + 1).trim());
    const kept = lines.filter((line) => !isFor(line));
    kept.push(`X-Forwarded-For: ${[...chain, this.visitor ?? ''].join(', ')}`);
    if (!lines.some((line) => /^x-forwarded-proto:/i.test(line))) kept.push('X-Forwarded-Proto: http');
    if (!lines.some((line) => /^x-forwarded-host:/i.test(line))) kept.push(`X-Forwarded-Host: ${host}`);
    return Buffer.from(`${kept.join('\r\n')}\r\n\r\n`, 'latin1');
  }
}
