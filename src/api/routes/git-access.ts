// Git access for private repositories: an HTTPS token for the workspace or one slot. The token is never sent back.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { gitTokenRequestSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { assertSlotAccess } from './common.js';

const scopeReply = z.object({ scope: z.string() });

export function gitAccessRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, service, store } = context;
  /** A slot's token needs manage on that slot; the workspace's token needs admin. */
  const scopeOf = (slot: string | undefined, principal: Parameters<typeof assertSlotAccess>[0]) => {
    if (slot) {
      service.settings(slot);
      assertSlotAccess(principal, 'manage', slot);
      return slot;
    }
    assertSlotAccess(principal, 'admin', '*');
    return '*';
  };

  registry.add(app, {
    method: 'PUT',
    url: '/api/v1/git-token',
    tag: 'git',
    summary: 'Set the HTTPS git token (for the workspace, or one slot)',
    access: 'manage',
    body: gitTokenRequestSchema,
    response: scopeReply,
    handler: async ({ body, principal }) => {
      const scope = scopeOf(body.slot, principal);
      store.setGitToken(scope, { token: body.token, username: body.username ?? null });
      store.addEvent(body.slot ?? null, 'git.token-set', `git token set for ${body.slot ? `slot ${body.slot}` : 'the workspace'}`, undefined, principal.actor);
      return { scope: body.slot ?? 'workspace' };
    },
  });
  registry.add(app, {
    method: 'DELETE',
    url: '/api/v1/git-token',
    tag: 'git',
    summary: 'Remove the HTTPS git token',
    access: 'manage',
    query: z.object({ slot: z.string().optional() }),
    response: scopeReply,
    handler: async ({ query, principal }) => {
      const scope = scopeOf(query.slot, principal);
      store.setGitToken(scope, null);
      store.addEvent(query.slot ?? null, 'git.token-cleared', `git token removed for ${query.slot ? `slot ${query.slot}` : 'the workspace'}`, undefined, principal.actor);
      return { scope: query.slot ?? 'workspace' };
    },
  });
}
