// Releases: the kept ones (newest first) and a rollback to any of them.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { releaseSchema, rollbackRequestSchema, type Release } from '../../sdk/schemas.js';
import type { ReleaseRecord } from '../../store/records.js';
import type { RouteContext } from '../build-api.js';
import { deploymentReply, slotParams } from './common.js';

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

export function releaseRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, service } = context;
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/slots/:slot/releases',
    tag: 'releases',
    summary: 'List the kept releases',
    access: 'read',
    params: slotParams,
    response: z.object({ live: z.number().int().nullable(), releases: z.array(releaseSchema) }),
    handler: async ({ params }) => {
      const { live, releases } = service.releases(params.slot);
      return { live, releases: releases.map((release) => toReleaseView(release, live)) };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/slots/:slot/rollback',
    tag: 'releases',
    summary: 'Roll back to a kept release (the one before the live one unless named)',
    access: 'deploy',
    params: slotParams,
    body: rollbackRequestSchema,
    response: deploymentReply,
    handler: async ({ params, body, principal }) => ({ deployment: await service.rollback(params.slot, body.release, principal.actor) }),
  });
}
