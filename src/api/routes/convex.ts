// A slot's Convex backend in the API: its status, URLs and the env its app gets (the admin key masked unless
// revealed, and the reveal recorded).
import type { FastifyInstance } from 'fastify';
import { convexStatusSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { slotParams } from './common.js';

const MASK = '••••••••';

export function convexRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, convex, service } = context;
  const view = (slot: string, reveal: boolean) => {
    service.settings(slot);
    const env = convex.env(slot);
    if (!reveal && env.CONVEX_SELF_HOSTED_ADMIN_KEY) env.CONVEX_SELF_HOSTED_ADMIN_KEY = MASK;
    return { ...convex.status(slot), env };
  };
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/convex',
    tag: 'convex',
    summary: "The slot's Convex backend: status, URLs, and the env its app gets (admin key masked)",
    access: 'read',
    params: slotParams,
    response: convexStatusSchema,
    handler: async ({ params }) => view(params.slot, false),
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/convex/reveal',
    tag: 'convex',
    summary: "The env of the slot's Convex app with its admin key (recorded)",
    access: 'manage',
    params: slotParams,
    response: convexStatusSchema,
    handler: async ({ params, principal }) => {
      const answer = view(params.slot, true);
      context.store.addEvent(params.slot, 'convex.revealed', "the Convex backend's admin key was revealed", undefined, principal.actor);
      return answer;
    },
  });
}
