// A slot's Convex backend in the API: its status, URLs and the env its app gets (the admin key masked unless
// revealed, and the reveal recorded).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import path from 'node:path';
import { convexReason } from '../../convex/detect.js';
import { convexStatusSchema, findingSchema } from '../../sdk/schemas.js';
import { MASK, maskSecrets } from '../../slots/secrets.js';
import type { RouteContext } from '../build-api.js';
import { assertConfirmed, slotParams } from './common.js';


const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits and _, not starting with a digit');
const backendEnvReply = z.object({ slot: z.string(), env: z.record(z.string(), z.string()) });

export function convexRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, convex, service } = context;
  const view = (slot: string, reveal: boolean) => {
    service.settings(slot);
    const env = convex.env(slot);
    if (!reveal && env.CONVEX_SELF_HOSTED_ADMIN_KEY) env.CONVEX_SELF_HOSTED_ADMIN_KEY = MASK;
    const release = liveRelease(slot);
    const detected = release ? convexReason(path.join(release.filesDir, release.appDir), service.settings(slot).convex) : null;
    return { ...convex.status(slot), env, detected };
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
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/convex/backend-env',
    tag: 'convex',
    summary: "The env the app's Convex functions see (secret-looking values masked; empty for a slot without a backend)",
    access: 'read',
    params: slotParams,
    response: backendEnvReply,
    handler: async ({ params }) => {
      service.settings(params.slot);
      if (!convex.enabled(params.slot)) return { slot: params.slot, env: {} };
      return { slot: params.slot, env: maskSecrets(await convex.backendEnv(params.slot), []) };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/convex/backend-env/reveal',
    tag: 'convex',
    summary: "The env the app's Convex functions see, unmasked (recorded)",
    access: 'manage',
    params: slotParams,
    response: backendEnvReply,
    handler: async ({ params, principal }) => {
      service.settings(params.slot);
      const env = await convex.backendEnv(params.slot);
      context.store.addEvent(params.slot, 'convex.revealed', "the Convex backend's env was revealed", undefined, principal.actor);
      return { slot: params.slot, env };
    },
  });
  registry.add(app, {
    method: 'PATCH',
    url: '/api/v1/slots/:slot/convex/backend-env',
    tag: 'convex',
    summary: "Set or unset variables of the app's Convex functions (through the backend's API; no redeploy needed)",
    access: 'manage',
    params: slotParams,
    body: z.object({ set: z.record(envName, z.string().max(64 * 1024)).optional(), unset: z.array(envName).optional() }).strict(),
    response: backendEnvReply,
    handler: async ({ params, body, principal }) => {
      service.settings(params.slot);
      await convex.changeBackendEnv(params.slot, body, principal.actor);
      return { slot: params.slot, env: maskSecrets(await convex.backendEnv(params.slot), []) };
    },
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/convex/doctor',
    tag: 'convex',
    summary: "Check the slot's Convex backend and app: instance, admin key, CLI version, generated code, flags, site URL",
    access: 'read',
    params: slotParams,
    response: z.object({ findings: z.array(findingSchema) }),
    handler: async ({ params }) => {
      if (!convex.enabled(params.slot)) return { findings: [{ check: 'backend', verdict: 'ok' as const, message: `slot ${params.slot} has no Convex backend`, remedy: null }] };
      return { findings: await convex.doctor(params.slot, liveRelease(params.slot)) };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/convex/reset',
    tag: 'convex',
    summary: "Start the slot's Convex backend over, empty, after exporting its data (kept); optionally on other storage",
    access: 'manage',
    params: slotParams,
    body: z.object({ confirm: z.string().describe('The slot name, typed again'), storage: z.enum(['sqlite', 'postgres']).optional(), files: z.enum(['local', 's3']).optional() }).strict(),
    response: z.object({ exportDir: z.string(), convexExport: z.string().nullable(), kept: z.array(z.string()), notes: z.array(z.string()) }),
    handler: async ({ params, body, principal }) => {
      assertConfirmed(params.slot, body.confirm, 'resetting empties the Convex backend');
      const result = await convex.reset(params.slot, liveRelease(params.slot), principal.actor);
      const patch = { ...(body.storage ? { convexStorage: body.storage } : {}), ...(body.files ? { convexFiles: body.files } : {}) };
      if (Object.keys(patch).length > 0) await service.updateSettings(params.slot, patch, principal.actor);
      return result;
    },
  });

  /** The live release's files, for the doctor and the export (its CLI). */
  function liveRelease(slot: string): { filesDir: string; appDir: string } | null {
    const live = service.settings(slot) && context.store.getSlot(slot)?.liveRelease;
    const release = live ? context.store.getRelease(slot, live) : undefined;
    return release ? { filesDir: release.filesDir, appDir: release.appDir } : null;
  }
}
