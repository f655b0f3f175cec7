// Slots: list, get, settings (read and change), clear, deploy key.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ensureDeployKey, readDeployKey } from '../../deploy/deploy-key.js';
import { settingsResponseSchema, slotSettingsPatchSchema, slotStatusSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { ANSWERED } from '../route.js';
import { assertConfirmed, okReply, slotParams, visibleTo } from './common.js';

export function slotRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, service, store, paths, deploys } = context;
  const settingsView = (slot: string) => ({
    slot,
    settings: service.settings(slot),
    gitToken: store.getGitToken(slot) ? ('slot' as const) : store.getGitToken('*') ? ('workspace' as const) : ('none' as const),
    deployKey: readDeployKey(paths.deployKey(slot)),
  });

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots',
    tag: 'slots',
    summary: 'List the slots with their state, release, commit and usage',
    access: 'read',
    response: z.object({ slots: z.array(slotStatusSchema) }),
    handler: async ({ principal }) => ({ slots: visibleTo(principal, service.status()) }),
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot',
    tag: 'slots',
    summary: 'Get one slot',
    access: 'read',
    params: slotParams,
    response: slotStatusSchema,
    handler: async ({ params }) => service.status(params.slot)[0],
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/health',
    tag: 'slots',
    summary: "Is the slot's app running (for Coder's app healthcheck): 200 when running, 503 otherwise; says no more than the state",
    access: 'public',
    params: slotParams,
    response: z.object({ slot: z.string(), state: z.string() }),
    handler: async ({ params, reply }) => {
      const { state } = service.status(params.slot)[0];
      await reply.status(state === 'running' ? 200 : 503).send({ slot: params.slot, state });
      return ANSWERED;
    },
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/settings',
    tag: 'slots',
    summary: "Read the slot's settings",
    access: 'read',
    params: slotParams,
    response: settingsResponseSchema,
    handler: async ({ params }) => settingsView(params.slot),
  });
  registry.add(app, {
    method: 'PATCH',
    url: '/api/v1/slots/:slot/settings',
    tag: 'slots',
    summary: "Change the slot's settings",
    access: 'manage',
    params: slotParams,
    body: slotSettingsPatchSchema,
    response: settingsResponseSchema,
    handler: async ({ params, body, principal }) => {
      await service.updateSettings(params.slot, body, principal.actor);
      return settingsView(params.slot);
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/clear',
    tag: 'slots',
    summary: 'Clear the slot',
    access: 'manage',
    params: slotParams,
    body: z.object({ confirm: z.string().describe('The slot name, typed again') }).strict(),
    response: okReply,
    handler: async ({ params, body, principal }) => {
      assertConfirmed(params.slot, body.confirm, 'clearing removes its releases, env and settings');
      deploys.cancel(params.slot, principal.actor);
      await service.clear(params.slot, principal.actor);
      return { ok: true as const };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/deploy-key',
    tag: 'slots',
    summary: 'Create (or rotate) the SSH deploy key',
    access: 'manage',
    params: slotParams,
    body: z.object({ rotate: z.boolean().default(false) }).strict(),
    response: z.object({ slot: z.string(), publicKey: z.string() }),
    handler: async ({ params, body, principal }) => {
      service.settings(params.slot);
      const publicKey = await ensureDeployKey(paths.deployKey(params.slot), params.slot, body.rotate);
      if (body.rotate) store.addEvent(params.slot, 'slot.deploy-key', `deploy key of slot ${params.slot} rotated`, undefined, principal.actor);
      return { slot: params.slot, publicKey };
    },
  });
}
