// One way to declare an API route: its zod schemas (params, query, body, response), who may call it, and a handler.
// The same declaration validates requests and responses and feeds the OpenAPI document, so the two cannot drift.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { allows, type Principal } from '../auth/admin-auth.js';
import { BerthError } from '../errors/berth-error.js';
import type { TokenRole } from '../store/auth-store.js';

/** Who may call a route: anyone, or callers with at least this role (on the URL's :slot, when it has one). */
export type Access = 'public' | TokenRole;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Returned by a handler that answered by itself (a stream, a file, a redirect). */
export const ANSWERED = Symbol('answered');

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  tag: string;
  summary: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** Success status; 200 unless told. */
  status?: number;
  /** Other content the route may answer with (a stream or a download), for the document. */
  alsoProduces?: string;
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R> | typeof ANSWERED>;
}

type AnySpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const anything = z.unknown();

export function createRouteRegistry() {
  const specs: AnySpec[] = [];
  return {
    specs: () => specs as readonly AnySpec[],
    add<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown, R extends z.ZodType = z.ZodType>(app: FastifyInstance, spec: RouteSpec<P, Q, B, R>): void {
      specs.push(spec as unknown as AnySpec);
      app.route({
        method: spec.method,
        url: spec.url,
        config: { access: spec.access },
        handler: async (request, reply) => {
          const params = (spec.params ?? anything).parse(request.params ?? {});
          const principal = request.principal;
          if (spec.access !== 'public') {
            const slot = (params as { slot?: string }).slot;
            if (!principal || !allows(principal, spec.access, slot)) {
              throw new BerthError('ERR_FORBIDDEN', `This ${principal?.kind ?? 'caller'} may not ${spec.summary.toLowerCase()}${slot ? ` on slot ${slot}` : ''}: it needs the ${spec.access} role${slot ? ` on slot ${slot}` : ''}.`, {
                details: { needs: spec.access, slot: slot ?? null },
              });
            }
          }
          const query = (spec.query ?? anything).parse(request.query ?? {});
          const body = (spec.body ?? anything).parse(request.body ?? {});
          const result = await spec.handler({ params, query, body, principal: principal!, request, reply } as never);
          if (result === ANSWERED) return reply;
          const checked = spec.response.safeParse(result);
          if (!checked.success) {
            // A response that breaks the contract is berth's bug, never the caller's.
            throw new BerthError('ERR_INTERNAL', `The answer to ${spec.method} ${spec.url} does not match its schema.`, { cause: checked.error });
          }
          return reply.status(spec.status ?? 200).send(checked.data);
        },
      });
    },
  };
}

export type RouteRegistry = ReturnType<typeof createRouteRegistry>;
