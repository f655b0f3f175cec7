// Events: what happened to the slots (state changes, deploy progress, crashes, memory restarts) and who did what.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { eventSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { visibleTo } from './common.js';

export function eventRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, store } = context;
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/events',
    tag: 'events',
    summary: 'List events, newest last (after a cursor, or the latest)',
    access: 'read',
    query: z.object({
      slot: z.string().optional(),
      after: z.coerce.number().int().min(0).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    response: z.object({ events: z.array(eventSchema), cursor: z.number().int() }),
    handler: async ({ query, principal }) => {
      // With a cursor, the oldest events after it (so paging forward misses none); without, the latest ones.
      const events = store.listEvents({ slot: query.slot, afterId: query.after, limit: query.limit, oldestFirst: query.after !== undefined });
      const visible = visibleTo(principal, events).map(({ data: _data, ...event }) => event);
      return { events: visible, cursor: events.at(-1)?.id ?? query.after ?? 0 };
    },
  });
}
