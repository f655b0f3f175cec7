// Serves a static release: content types, ETag and cache headers, optional SPA fallback, no path escape.
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import mime from 'mime-types';

export interface StaticSite {
  /** Absolute folder of the site; nothing outside it is ever served. */
  root: string;
  /** Serve index.html for unknown paths (single-page apps). */
  spaFallback: boolean;
}

const HASHED_NAME = /[.-][0-9a-zA-Z_-]{8,}\.(js|css|mjs|woff2?|png|jpe?g|gif|svg|webp|avif)$/;

/** Maps a URL path to a file inside the root, or null when it would leave the root or is malformed. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return resolved === root || resolved.startsWith(root + path.sep) ? resolved : null;
}

function findFile(candidate: string): { file: string; stat: fs.Stats } | null {
  try {
    let stat = fs.statSync(candidate);
    if (stat.isDirectory()) {
      candidate = path.join(candidate, 'index.html');
      stat = fs.statSync(candidate);
    }
    return stat.isFile() ? { file: candidate, stat } : null;
  } catch {
    return null;
  }
}

export function serveStatic(site: StaticSite, req: IncomingMessage, res: ServerResponse, notFound: () => void): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed: this slot serves a static site.\n');
    return;
  }
  const pathname = (req.url ?? '/').split('?')[0];
  const target = resolveInside(site.root, pathname);
  let found = target ? findFile(target) : null;
  let status = 200;
  if (!found) {
    const custom404 = findFile(path.join(site.root, '404.html'));
    if (custom404) {
      found = custom404;
      status = 404;
    } else if (site.spaFallback && target) {
      found = findFile(path.join(site.root, 'index.html'));
    }
  }
  if (!found) {
    notFound();
    return;
  }
  sendFile(found.file, found.stat, status, req, res);
}

function sendFile(file: string, stat: fs.Stats, status: number, req: IncomingMessage, res: ServerResponse): void {
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const type = mime.contentType(path.extname(file)) || 'application/octet-stream';
  const headers: Record<string, string | number> = {
    'content-type': type,
    etag,
    'last-modified': stat.mtime.toUTCString(),
    'cache-control': cacheControlFor(file, type),
    'x-content-type-options': 'nosniff',
  };
  if (status === 200 && req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['content-length'] = stat.size;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function cacheControlFor(file: string, type: string): string {
  if (type.startsWith('text/html')) return 'no-cache';
  // Names with a content hash never change meaning: let browsers keep them.
  if (HASHED_NAME.test(path.basename(file))) return 'public, max-age=31536000, immutable';
  return 'public, max-age=300';
}
