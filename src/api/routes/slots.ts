// Slot routes: status, start/stop/restart, env, releases, rollback, deployments, events.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { envChangeRequestSchema, rollbackRequestSchema, type Release } from '../../sdk/schemas.js';
import type { ReleaseRecord } from '../../store/records.js';
import type { ApiDeps } from '../build-api.js';

const slotParams = z.object({ slot: z.string() });
const MASK = '••••••••';

function toReleaseView(release: ReleaseRecord, live: number | null): Release {
  return {
    seq: release.seq,
    kind: release.kind,
    command: release.command?.display ?? (release.kind === 'static' ? `static ${release.staticDir || '.'}/` : null),
    commit: release.commit,
    envKeys: Object.keys(release.env).sort(),
    source: release.source,
    note: release.note,
    createdAt: release.createdAt,
    live: release.seq === live,
  };
}

function maskEnv(env: Record<string, string>, reveal: boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, reveal ? value : MASK]));
}

export function registerSlotRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { service } = deps;

  app.get('/api/v1/slots', async () => ({ slots: service.status() }));
  app.get('/api/v1/slots/:slot', async (request) => service.status(slotParams.parse(request.params).slot)[0]);

  app.post('/api/v1/slots/:slot/start', async (request) => ({ deployment: await service.start(slotParams.parse(request.params).slot) }));
  app.post('/api/v1/slots/:slot/restart', async (request) => ({ deployment: await service.restart(slotParams.parse(request.params).slot) }));
  app.post('/api/v1/slots/:slot/stop', async (request) => {
    await service.stop(slotParams.parse(request.params).slot);
    return { deployment: null };
  });

  app.get('/api/v1/slots/:slot/env', async (request) => {
    const { slot } = slotParams.parse(request.params);
    const reveal = z.object({ reveal: z.enum(['0', '1']).optional() }).parse(request.query).reveal === '1';
    return { slot, env: maskEnv(service.env(slot), reveal), masked: !reveal };
  });
  app.patch('/api/v1/slots/:slot/env', async (request) => {
    const { slot } = slotParams.parse(request.params);
    const changes = envChangeRequestSchema.parse(request.body ?? {});
    const deployment = await service.setEnv(slot, changes);
    return { env: maskEnv(service.env(slot), false), masked: true, deployment };
  });

  app.get('/api/v1/slots/:slot/releases', async (request) => {
    const { live, releases } = service.releases(slotParams.parse(request.params).slot);
    return { live, releases: releases.map((release) => toReleaseView(release, live)) };
  });
  app.post('/api/v1/slots/:slot/rollback', async (request) => {
    const { slot } = slotParams.parse(request.params);
    const body = rollbackRequestSchema.parse(request.body ?? {});
    return { deployment: await service.rollback(slot, body.release) };
  });
  app.get('/api/v1/slots/:slot/deployments', async (request) => ({ deployments: service.deployments(slotParams.parse(request.params).slot) }));

  app.get('/api/v1/events', async (request) => {
    const query = z.object({ slot: z.string().optional(), after: z.coerce.number().int().min(0).optional() }).parse(request.query);
    const events = deps.store.listEvents({ slot: query.slot, afterId: query.after }).map(({ data: _data, ...event }) => event);
    return { events };
  });
}
