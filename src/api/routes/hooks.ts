// Webhooks in the admin API: what to paste into a repository's settings (per slot, with the secret on request),
// the secrets themselves (the workspace's, and a slot's own), and the delivery log with "route this again".
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../auth/admin-auth.js';
import { BerthError } from '../../errors/berth-error.js';
import { hookDeliverySchema, hookSecretSchema, slotHooksSchema } from '../../sdk/schemas.js';
import type { DeliveryRecord } from '../../store/hook-store.js';
import type { RouteContext } from '../build-api.js';
import { assertSlotAccess, okReply, slotParams } from './common.js';

/** The workspace secret reaches every slot, so only callers not limited to some slots may see or change it. */
function assertWholeWorkspace(principal: Principal, what: string): void {
  if (principal.slots !== null) throw new BerthError('ERR_FORBIDDEN', `This ${principal.kind} is limited to slots ${principal.slots.join(', ')} and may not ${what}.`, { details: { slots: principal.slots } });
}

const view = (delivery: DeliveryRecord) => {
  const { push, ...rest } = delivery;
  return { ...rest, redeliverable: push !== null };
};

export function hookRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, hooks, hooksUrl, service } = context;

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/hooks',
    tag: 'hooks',
    summary: "What to paste into the repository's webhook settings for this slot",
    access: 'read',
    params: slotParams,
    response: slotHooksSchema,
    handler: async ({ params }) => {
      const settings = service.settings(params.slot);
      return {
        slot: params.slot,
        enabled: hooksUrl !== null,
        payloadUrl: hooksUrl ? `${hooksUrl}/hooks/github` : null,
        urls: hooksUrl ? { github: `${hooksUrl}/hooks/github`, gitea: `${hooksUrl}/hooks/gitea`, gitlab: `${hooksUrl}/hooks/gitlab` } : null,
        contentType: 'application/json' as const,
        events: ['push'],
        secretScope: hooks.slotSecret(params.slot) ? ('slot' as const) : ('workspace' as const),
        tracking: { repo: settings.repo ?? null, branch: settings.branch ?? 'main', autoDeploy: settings.autoDeploy !== false, deployTags: settings.deployTags === true },
      };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/hooks/secret/reveal',
    tag: 'hooks',
    summary: "Show the secret this slot's webhooks are signed with",
    access: 'manage',
    params: slotParams,
    response: hookSecretSchema,
    handler: async ({ params, principal }) => {
      service.settings(params.slot);
      const own = hooks.slotSecret(params.slot);
      if (own) return { secret: own, scope: `slot:${params.slot}` };
      assertWholeWorkspace(principal, 'see the workspace webhook secret (give the slot a secret of its own)');
      return { secret: hooks.workspaceSecret(), scope: 'workspace' };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/hooks/secret',
    tag: 'hooks',
    summary: 'Give the slot a webhook secret of its own (or a new one); deliveries signed with it reach only this slot',
    access: 'manage',
    params: slotParams,
    response: hookSecretSchema,
    status: 201,
    handler: async ({ params, principal }) => {
      service.settings(params.slot);
      const secret = hooks.rotateSlotSecret(params.slot);
      context.store.addEvent(params.slot, 'hooks.secret', `slot ${params.slot} has a new webhook secret of its own`, undefined, principal.actor);
      return { secret, scope: `slot:${params.slot}` };
    },
  });
  registry.add(app, {
    method: 'DELETE',
    url: '/api/v1/slots/:slot/hooks/secret',
    tag: 'hooks',
    summary: "Remove the slot's own webhook secret (the workspace's applies again)",
    access: 'manage',
    params: slotParams,
    response: okReply,
    handler: async ({ params, principal }) => {
      service.settings(params.slot);
      hooks.removeSlotSecret(params.slot);
      context.store.addEvent(params.slot, 'hooks.secret', `slot ${params.slot} uses the workspace webhook secret again`, undefined, principal.actor);
      return { ok: true as const };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/hooks/secret/rotate',
    tag: 'hooks',
    summary: 'Replace the workspace webhook secret (every repository using it must get the new one)',
    access: 'admin',
    response: hookSecretSchema,
    handler: async ({ principal }) => {
      assertWholeWorkspace(principal, 'replace the workspace webhook secret');
      const secret = hooks.rotateWorkspaceSecret();
      context.store.addEvent(null, 'hooks.secret', 'the workspace webhook secret was replaced', undefined, principal.actor);
      return { secret, scope: 'workspace' };
    },
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/hooks/deliveries',
    tag: 'hooks',
    summary: 'The webhook delivery log, newest first (all, or those about one slot)',
    access: 'read',
    query: z.object({ slot: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }),
    response: z.object({ deliveries: z.array(hookDeliverySchema) }),
    handler: async ({ query, principal }) => {
      if (query.slot) {
        service.settings(query.slot);
        assertSlotAccess(principal, 'read', query.slot);
      } else assertWholeWorkspace(principal, 'read the whole delivery log (ask for one slot with ?slot=)');
      return { deliveries: hooks.deliveries({ slot: query.slot, limit: query.limit }).map(view) };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/hooks/deliveries/:id/redeliver',
    tag: 'hooks',
    summary: 'Route a logged push again, as if it had just arrived',
    access: 'deploy',
    params: z.object({ id: z.coerce.number().int().min(1) }),
    response: hookDeliverySchema,
    status: 202,
    handler: async ({ params, principal }) => {
      assertWholeWorkspace(principal, 'redeliver a webhook (it may reach any slot tracking the repository)');
      return view(hooks.redeliver(params.id, principal.actor));
    },
  });
}
