// A slot's environment: list (secret values masked), change (set, unset, mark secret), import a .env text, and the
// explicit reveal of one value, recorded as an event.
import type { FastifyInstance } from 'fastify';
import { BerthError } from '../../errors/berth-error.js';
import { envChangeRequestSchema, envChangeResponseSchema, envImportRequestSchema, envListSchema, envRevealRequestSchema, envRevealResponseSchema } from '../../sdk/schemas.js';
import { parseDotenv } from '../../slots/dotenv-text.js';
import { maskSecrets, secretKeysOf } from '../../slots/secrets.js';
import type { RouteContext } from '../build-api.js';
import { slotParams } from './common.js';

export function envRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, service, store } = context;
  const view = (slot: string) => {
    const env = service.env(slot);
    const marked = service.markedSecretKeys(slot);
    return { slot, env: maskSecrets(env, marked), secrets: secretKeysOf(env, marked), marked };
  };

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/env',
    tag: 'env',
    summary: 'List the env (secret values masked)',
    access: 'read',
    params: slotParams,
    response: envListSchema,
    handler: async ({ params }) => view(params.slot),
  });
  registry.add(app, {
    method: 'PATCH',
    url: '/api/v1/slots/:slot/env',
    tag: 'env',
    summary: 'Set, unset or mark env variables (a live app rolls out with them)',
    access: 'manage',
    params: slotParams,
    body: envChangeRequestSchema,
    response: envChangeResponseSchema,
    handler: async ({ params, body, principal }) => {
      const deployment = await service.setEnv(params.slot, body, principal.actor);
      return { ...view(params.slot), deployment };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/env/import',
    tag: 'env',
    summary: 'Import a .env text (every variable in it is set)',
    access: 'manage',
    params: slotParams,
    body: envImportRequestSchema,
    response: envChangeResponseSchema,
    handler: async ({ params, body, principal }) => {
      const set = parseDotenv(body.text);
      const deployment = await service.setEnv(params.slot, { set, secret: body.secret ? Object.keys(set) : [] }, principal.actor);
      return { ...view(params.slot), deployment };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/env/reveal',
    tag: 'env',
    summary: 'Reveal one env value',
    access: 'manage',
    params: slotParams,
    body: envRevealRequestSchema,
    response: envRevealResponseSchema,
    handler: async ({ params, body, principal }) => {
      const env = service.env(params.slot);
      if (!(body.key in env)) {
        throw new BerthError('ERR_ENV_UNKNOWN', `Slot ${params.slot} has no env variable ${body.key}.`, { details: { slot: params.slot, key: body.key } });
      }
      store.addEvent(params.slot, 'env.revealed', `the value of ${body.key} was revealed`, { key: body.key }, principal.actor);
      return { slot: params.slot, key: body.key, value: env[body.key] };
    },
  });
}
