// A slot's database: status and facts, enable, disable (keeping the data unless asked to drop it), and the
// explicit reveal of its connection URL. Enabling restarts a running app (zero downtime) so it gets the new env;
// disabling does not, since an app that needs its database would fail the restart's health check.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { databaseServerSchema as serverStatus, slotDatabaseSchema as slotDatabase } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { assertConfirmed, slotParams } from './common.js';


export function databaseRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, database, service } = context;
  /** An app that runs picks the change up through a zero-downtime restart. */
  const restartIfRunning = async (slot: string, actor: string) => {
    if (service.status(slot)[0].state === 'running') await service.restart(slot, 'env', actor);
  };
  const view = async (slot: string) => (database.enabled(slot) ? { enabled: true, ...(await database.info(slot)) } : { slot, enabled: false });

  registry.add(app, {
    method: 'GET',
    url: '/api/v1/database',
    tag: 'database',
    summary: 'The database server berth uses',
    access: 'read',
    response: serverStatus,
    handler: async () => database.status(),
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/database',
    tag: 'database',
    summary: "The slot's database: names, size, tables, connections",
    access: 'read',
    params: slotParams,
    response: slotDatabase,
    handler: async ({ params }) => {
      service.settings(params.slot);
      return view(params.slot);
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/enable',
    tag: 'database',
    summary: 'Give the slot a database',
    access: 'manage',
    params: slotParams,
    response: slotDatabase,
    handler: async ({ params, principal }) => {
      await database.enable(params.slot, principal.actor);
      await restartIfRunning(params.slot, principal.actor);
      return view(params.slot);
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/disable',
    tag: 'database',
    summary: "Stop giving the slot its database (drop: also delete it and its data)",
    access: 'manage',
    params: slotParams,
    body: z.object({ drop: z.boolean().default(false), confirm: z.string().optional().describe('With drop: the slot name, typed again') }).strict(),
    response: slotDatabase,
    handler: async ({ params, body, principal }) => {
      if (body.drop) assertConfirmed(params.slot, body.confirm, 'dropping deletes the data');
      await database.disable(params.slot, { drop: body.drop }, principal.actor);
      return view(params.slot);
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/database/url',
    tag: 'database',
    summary: "Reveal the slot's database URL",
    access: 'manage',
    params: slotParams,
    response: z.object({ slot: z.string(), url: z.string() }),
    handler: async ({ params, principal }) => {
      const url = database.url(params.slot);
      context.store.addEvent(params.slot, 'db.url-revealed', "the database URL was revealed", undefined, principal.actor);
      return { slot: params.slot, url };
    },
  });
}
