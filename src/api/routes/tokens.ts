// Scoped API tokens for automation ("deploy slot a only"): create (the token is shown once), list, revoke.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiTokenSchema, tokenCreateRequestSchema, tokenCreateResponseSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';

export function tokenRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, auth, store, service } = context;
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/tokens',
    tag: 'tokens',
    summary: 'List API tokens',
    access: 'admin',
    response: z.object({ tokens: z.array(apiTokenSchema) }),
    handler: async () => ({ tokens: auth.listTokens() }),
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/tokens',
    tag: 'tokens',
    summary: 'Create an API token',
    access: 'admin',
    body: tokenCreateRequestSchema,
    response: tokenCreateResponseSchema,
    status: 201,
    handler: async ({ body, principal }) => {
      for (const slot of body.slots ?? []) service.settings(slot);
      const created = auth.createToken(body, principal.actor);
      store.addEvent(null, 'token.created', `API token "${body.name}" created (${body.role} on ${body.slots ? `slot ${body.slots.join(', ')}` : 'every slot'})`, undefined, principal.actor);
      return created;
    },
  });
  registry.add(app, {
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    tag: 'tokens',
    summary: 'Revoke an API token (by id or name)',
    access: 'admin',
    params: z.object({ id: z.string().max(64) }),
    response: z.object({ revoked: apiTokenSchema }),
    handler: async ({ params, principal }) => {
      const revoked = auth.revokeToken(params.id);
      store.addEvent(null, 'token.revoked', `API token "${revoked.name}" revoked`, undefined, principal.actor);
      return { revoked };
    },
  });
}
