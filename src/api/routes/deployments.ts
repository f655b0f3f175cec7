// Deployments: start (answers 202 at once), cancel, list, get with stages, and the log (a page, or followed).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deployLogLineSchema, deployStartRequestSchema, deploymentSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { ANSWERED } from '../route.js';
import { openNdjson } from '../ndjson.js';
import { assertSlotAccess, deploymentReply, slotParams, triggerOf } from './common.js';

const idParams = z.object({ id: z.string().regex(/^[0-9a-z-]{1,64}$/, 'a deployment id like "0mhx3k2a1-4f2a9c"') });

export function deploymentRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, deploys, service } = context;

  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/deploy',
    tag: 'deployments',
    summary: 'Start a deployment',
    access: 'deploy',
    params: slotParams,
    body: deployStartRequestSchema,
    response: deploymentReply,
    status: 202,
    handler: async ({ params, body, principal }) => {
      const source = 'path' in body ? { type: 'path' as const, path: body.path } : { type: 'git' as const, commit: body.commit ?? null };
      return { deployment: deploys.request(params.slot, source, triggerOf(principal), principal.actor) };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/deploy/cancel',
    tag: 'deployments',
    summary: 'Cancel the running and waiting deployments',
    access: 'deploy',
    params: slotParams,
    response: z.object({ cancelled: z.array(z.string()) }),
    handler: async ({ params, principal }) => ({ cancelled: deploys.cancel(params.slot, principal.actor) }),
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/deployments',
    tag: 'deployments',
    summary: 'List recent deployments',
    access: 'read',
    params: slotParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
    response: z.object({ deployments: z.array(deploymentSchema) }),
    handler: async ({ params, query }) => ({ deployments: service.deployments(params.slot, query.limit) }),
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/deployments/:id',
    tag: 'deployments',
    summary: 'Get a deployment with its stages',
    access: 'read',
    params: idParams,
    response: deploymentReply,
    handler: async ({ params, principal }) => {
      const deployment = deploys.get(params.id);
      assertSlotAccess(principal, 'read', deployment.slot);
      return { deployment };
    },
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/deployments/:id/log',
    tag: 'deployments',
    summary: "Read a deployment's log from a cursor; follow=1 streams it (NDJSON) until the deployment ends",
    access: 'read',
    params: idParams,
    query: z.object({ after: z.coerce.number().int().min(0).default(0), follow: z.enum(['0', '1']).optional() }),
    response: z.object({ lines: z.array(deployLogLineSchema), cursor: z.number().int(), deployment: deploymentSchema }),
    alsoProduces: 'application/x-ndjson',
    handler: async ({ params, query, principal, reply }) => {
      const deployment = deploys.get(params.id);
      assertSlotAccess(principal, 'read', deployment.slot);
      if (query.follow !== '1') {
        const lines = deploys.readLog(params.id, query.after);
        return { lines, cursor: lines.at(-1)?.n ?? query.after, deployment };
      }
      const stream = openNdjson(reply);
      const stop = deploys.follow(
        params.id,
        query.after,
        (lines) => stream.send({ type: 'lines', lines }),
        // The stream ends with the final record, so a client knows the result without asking again.
        () => stream.end({ type: 'deployment', deployment: deploys.get(params.id) }),
      );
      stream.onClose(stop);
      return ANSWERED;
    },
  });
}
