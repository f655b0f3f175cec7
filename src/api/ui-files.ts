// Serves the built admin UI: hashed assets cached for good, index.html for every other path (client-side routes).
// The shell holds no data, so it is public; everything it shows comes from the API, behind auth.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { serveStatic } from '../front/static-files.js';

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

export function registerUi(app: FastifyInstance, uiDir: string): void {
  const root = path.resolve(uiDir);
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    config: { access: 'public' },
    handler: async (request, reply) => {
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      reply.hijack();
      const res = reply.raw;
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      if (!fs.existsSync(path.join(root, 'index.html'))) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The admin UI is not built (no ${path.join(root, 'index.html')}). Run \`npm run build\` in the berth folder, then reload.\nThe API answers under /api/v1.\n`);
        return;
      }
      res.removeHeader('cache-control');
      serveStatic({ root, spaFallback: true }, request.raw, res, () => {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found\n');
      });
    },
  });
}
