// Builds the admin API (fastify) from its collaborators; it never listens by itself.
import Fastify, { type FastifyInstance } from 'fastify';
import { BerthError } from '../errors/berth-error.js';
import type { Logger } from '../log/logger.js';
import type { BerthPaths } from '../config/paths.js';
import type { DeployService } from '../slots/deploy-service.js';
import type { SlotService } from '../slots/slot-service.js';
import type { StateStore } from '../store/state-store.js';
import { createTokenCheck } from './auth.js';
import { createErrorHandler } from './error-reply.js';
import { registerDeployRoutes } from './routes/deploys.js';
import { registerLogRoutes } from './routes/logs.js';
import { registerSlotRoutes } from './routes/slots.js';

export interface ApiDeps {
  service: SlotService;
  deploys: DeployService;
  paths: BerthPaths;
  store: StateStore;
  token: string;
  logger: Logger;
  version: string;
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // forceCloseConnections: on shutdown, open streams (log followers) end instead of holding the daemon up.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const checkToken = createTokenCheck(deps.token);
  app.setErrorHandler(createErrorHandler(deps.logger));
  app.setNotFoundHandler((request, reply) => {
    const error = new BerthError('ERR_NOT_FOUND', `There is no ${request.method} ${request.url.split('?')[0]} in the berth API.`);
    void reply.status(error.status).send(error.toJSON());
  });
  app.addHook('onRequest', async (request) => {
    if (request.url === '/api/v1/health') return;
    checkToken(request);
  });
  app.get('/api/v1/health', async () => ({ ok: true, version: deps.version }));
  await app.register(async (scope) => {
    registerSlotRoutes(scope, deps);
    registerLogRoutes(scope, deps);
    registerDeployRoutes(scope, deps);
  });
  return app;
}
