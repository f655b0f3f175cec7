// The running app: start, stop, restart (zero downtime), and its resource use.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RouteContext } from '../build-api.js';
import { deploymentReply, slotParams } from './common.js';

export function runtimeRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, service } = context;
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/start',
    tag: 'runtime',
    summary: 'Start the live release',
    access: 'manage',
    params: slotParams,
    response: deploymentReply,
    handler: async ({ params, principal }) => ({ deployment: await service.start(params.slot, principal.actor) }),
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/stop',
    tag: 'runtime',
    summary: 'Stop the app',
    access: 'manage',
    params: slotParams,
    response: deploymentReply,
    handler: async ({ params, principal }) => {
      await service.stop(params.slot, principal.actor);
      return { deployment: null };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/restart',
    tag: 'runtime',
    summary: 'Restart the app with zero downtime',
    access: 'manage',
    params: slotParams,
    response: deploymentReply,
    handler: async ({ params, principal }) => ({ deployment: await service.restart(params.slot, 'restart', principal.actor) }),
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/stats',
    tag: 'runtime',
    summary: 'CPU, memory, uptime and restarts, with recent samples',
    access: 'read',
    params: slotParams,
    response: z.object({
      slot: z.string(),
      state: z.string(),
      cpuPercent: z.number(),
      memoryBytes: z.number(),
      memoryLimitMb: z.number().nullable(),
      uptimeMs: z.number().nullable(),
      restarts: z.number().int(),
      history: z.object({ cpuPercent: z.array(z.number()), memoryBytes: z.array(z.number()) }),
    }),
    handler: async ({ params }) => service.status(params.slot)[0],
  });
}
