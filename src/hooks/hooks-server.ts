// The public webhook listener, apart from the admin API: it serves POST /hooks/{github,gitea,gitlab} and GET /health
// and nothing else. Bodies arrive as raw bytes (the signature covers exactly those), within a size limit; every
// answer is a short JSON; too many requests, or too many failed verifications, from one address get 429.
import Fastify, { type FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/schema.js';
import { createRateLimiter } from '../auth/rate-limit.js';
import type { Logger } from '../log/logger.js';
import type { HooksService } from './hooks-service.js';
import type { HookSource } from './payloads.js';

const SOURCES: HookSource[] = ['github', 'gitea', 'gitlab'];
const MINUTE = 60_000;

export function buildHooksServer(config: ResolvedConfig['hooks'], hooks: HooksService, logger: Logger): FastifyInstance {
  // Behind a local proxy (Coder's agent) the sender's address comes from X-Forwarded-For.
  const app = Fastify({ logger: false, bodyLimit: config.maxBodyBytes, forceCloseConnections: true, trustProxy: 'loopback', return503OnClosing: false });
  const requests = createRateLimiter({ limit: config.perMinute, windowMs: MINUTE });
  const failures = createRateLimiter({ limit: config.failuresPerMinute, windowMs: MINUTE });
  const reply = (outcome: string, reason: string) => ({ outcome, reason, delivery: null, slots: [], deployments: [] });

  // Every body is kept as bytes: nothing is parsed before the signature is checked.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, response) => {
    const wait = Math.max(requests.retryAfter(request.ip), failures.retryAfter(request.ip));
    if (wait > 0) {
      response.header('retry-after', String(Math.ceil(wait / 1000)));
      return response.code(429).send(reply('rejected', `too many requests from ${request.ip}; try again in ${Math.ceil(wait / 1000)} s`));
    }
    requests.fail(request.ip);
  });

  app.get('/health', async () => ({ ok: true }));
  for (const source of SOURCES) {
    app.post(`/hooks/${source}`, async (request, response) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const answer = hooks.receive({ source, headers: request.headers, raw, contentType: request.headers['content-type'] ?? '', address: request.ip });
      if (answer.status === 401 || answer.status === 400) failures.fail(request.ip);
      return response.code(answer.status).send(answer.body);
    });
  }

  app.setNotFoundHandler((request, response) => {
    response.code(404).send(reply('rejected', `nothing here: this listener serves only POST /hooks/github, /hooks/gitea, /hooks/gitlab and GET /health (not ${request.method} ${request.url.slice(0, 100)})`));
  });
  // Whatever a sender sends, the answer is a 4xx with a reason; a 5xx would be a bug in berth, and is logged as one.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, response) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) logger.error({ err: error, url: request.url }, 'webhook delivery failed inside berth');
    else failures.fail(request.ip);
    response.code(status).send(reply('rejected', status === 413 ? `the body is larger than ${config.maxBodyBytes} bytes` : status === 500 ? 'berth failed to handle this delivery; see its log' : error.message));
  });
  return app;
}
