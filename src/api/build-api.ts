// Builds the admin server (fastify): the versioned API, its OpenAPI document, the live socket and the UI. It never
// listens by itself. Every route is private unless declared public: the auth hook runs before any handler.
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AdminAuth } from '../auth/admin-auth.js';
import type { BerthPaths } from '../config/paths.js';
import { BerthError } from '../errors/berth-error.js';
import type { Logger } from '../log/logger.js';
import type { DatabaseService } from '../database/database-service.js';
import type { DeployService } from '../slots/deploy-service.js';
import type { SlotService } from '../slots/slot-service.js';
import type { StateStore } from '../store/state-store.js';
import { createErrorHandler } from './error-reply.js';
import { createLiveHub, type LiveHub } from './live-hub.js';
import { attachLiveSocket } from './live-socket.js';
import { buildOpenApi } from './openapi.js';
import { checkSameOrigin } from './request-guard.js';
import { createRouteRegistry, type RouteRegistry } from './route.js';
import { authRoutes } from './routes/auth.js';
import { databaseBrowseRoutes } from './routes/database-browse.js';
import { databaseCopyRoutes } from './routes/database-copies.js';
import { databaseRoutes } from './routes/database.js';
import { deploymentRoutes } from './routes/deployments.js';
import { envRoutes } from './routes/env.js';
import { eventRoutes } from './routes/events.js';
import { gitAccessRoutes } from './routes/git-access.js';
import { logRoutes } from './routes/logs.js';
import { releaseRoutes } from './routes/releases.js';
import { runtimeRoutes } from './routes/runtime.js';
import { slotRoutes } from './routes/slots.js';
import { hookRoutes } from './routes/hooks.js';
import { convexRoutes } from './routes/convex.js';
import type { ConvexService } from '../convex/convex-service.js';
import type { HooksService } from '../hooks/hooks-service.js';
import { tokenRoutes } from './routes/tokens.js';
import { registerUi } from './ui-files.js';

export interface ApiDeps {
  service: SlotService;
  deploys: DeployService;
  database: DatabaseService;
  hooks: HooksService;
  convex: ConvexService;
  /** Where senders deliver webhooks (null when the listener is off). */
  hooksUrl: string | null;
  paths: BerthPaths;
  store: StateStore;
  auth: AdminAuth;
  logger: Logger;
  version: string;
  /** The built admin UI (index.html and assets). */
  uiDir: string;
}

export interface RouteContext extends ApiDeps {
  registry: RouteRegistry;
  hub: LiveHub;
}

const plugins = [databaseRoutes, databaseCopyRoutes, databaseBrowseRoutes, slotRoutes, deploymentRoutes, releaseRoutes, runtimeRoutes, envRoutes, logRoutes, eventRoutes, gitAccessRoutes, tokenRoutes, authRoutes, hookRoutes, convexRoutes];

export interface RouteEntry {
  method: string;
  url: string;
  access: string | undefined;
}

export async function buildApi(deps: ApiDeps): Promise<{ app: FastifyInstance; hub: LiveHub; routes: RouteEntry[] }> {
  // forceCloseConnections: on shutdown, open streams (log followers) end instead of holding the daemon up.
  // trustProxy 'loopback': behind a local proxy (Coder's agent), the client address comes from X-Forwarded-For.
  // return503OnClosing off: while closing, requests get berth's own ERR_SHUTTING_DOWN (see the hook below).
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true, trustProxy: 'loopback', return503OnClosing: false });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  const registry = createRouteRegistry();
  const hub = createLiveHub({ service: deps.service, store: deps.store });
  const context: RouteContext = { ...deps, registry, hub };

  // Every route as fastify knows it, whoever registered it: the auth test calls each one without credentials.
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: route.config?.access });
  });
  app.decorateRequest('principal', null);
  app.setErrorHandler(createErrorHandler(deps.logger));
  app.setNotFoundHandler((request, reply) => {
    const error = new BerthError('ERR_NOT_FOUND', `There is no ${request.method} ${request.url.split('?')[0]} in the berth API.`);
    void reply.status(error.status).send(error.toJSON());
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    if (closing) throw new BerthError('ERR_SHUTTING_DOWN', 'berth is stopping and takes no more requests.');
    checkSameOrigin(request);
    request.principal = deps.auth.identify(request.headers);
    if (request.routeOptions.config?.access === 'public' || request.principal) return;
    throw new BerthError('ERR_AUTH_REQUIRED', 'This request is not signed in: it has no valid session cookie, CLI token or API token.');
  });

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/health',
    tag: 'meta',
    summary: 'Check that berth answers',
    access: 'public',
    response: z.object({ ok: z.boolean(), version: z.string() }),
    handler: async () => ({ ok: true, version: deps.version }),
  });
  await app.register(async (scope) => {
    for (const plugin of plugins) plugin(scope, context);
  });
  app.get('/api/v1/openapi.json', async () => buildOpenApi(registry, deps.version));
  app.get('/api/v1/live', async () => {
    throw new BerthError('ERR_BAD_REQUEST', 'The live endpoint speaks WebSocket only: connect with an Upgrade: websocket request.');
  });
  registerUi(app, deps.uiDir);
  attachLiveSocket(app, { auth: deps.auth, hub, service: deps.service, deploys: deps.deploys, store: deps.store, logger: deps.logger });
  app.addHook('onClose', async () => hub.close());
  return { app, hub, routes };
}
