// Signing in and out of the admin UI, the current session, the password, and fresh one-time login codes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readCookie, SESSION_COOKIE, SESSION_TTL_MS, type Principal } from '../../auth/admin-auth.js';
import { BerthError } from '../../errors/berth-error.js';
import { loginCodeSchema, loginRequestSchema, passwordRequestSchema, sessionSchema } from '../../sdk/schemas.js';
import type { RouteContext } from '../build-api.js';
import { okReply } from './common.js';

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  // Secure when the browser came over https (directly or through a local proxy that says so).
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** The password and login codes are the owner's: an automation token cannot change them, even an admin one. */
function assertOwner(principal: Principal): void {
  if (principal.kind === 'token') {
    throw new BerthError('ERR_FORBIDDEN', 'API tokens cannot change the admin password or make login codes.', { details: { needs: 'session or CLI' } });
  }
}

export function authRoutes(app: FastifyInstance, context: RouteContext): void {
  const { registry, auth, store } = context;
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    tag: 'auth',
    summary: 'Sign in with the password or a one-time login code',
    access: 'public',
    body: loginRequestSchema,
    response: okReply,
    handler: async ({ body, request, reply }) => {
      const id = await auth.login(body.secret, { address: request.ip, userAgent: request.headers['user-agent'] ?? null });
      store.addEvent(null, 'auth.login', `signed in to the admin UI from ${request.ip}`, undefined, 'ui');
      void reply.header('set-cookie', sessionCookie(request, id, SESSION_TTL_MS / 1000));
      return { ok: true as const };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/auth/logout',
    tag: 'auth',
    summary: 'Sign out',
    access: 'read',
    response: okReply,
    handler: async ({ request, reply }) => {
      const id = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (id) auth.logout(id);
      void reply.header('set-cookie', sessionCookie(request, '', 0));
      return { ok: true as const };
    },
  });
  registry.add(app, {
    method: 'GET',
    url: '/api/v1/auth/session',
    tag: 'auth',
    summary: 'Who is signed in',
    access: 'read',
    response: sessionSchema,
    handler: async ({ principal }) => ({ ...principal, passwordSet: auth.hasPassword() }),
  });
  registry.add(app, {
    method: 'PUT',
    url: '/api/v1/auth/password',
    tag: 'auth',
    summary: 'Set the admin password (signs every session out)',
    access: 'admin',
    body: passwordRequestSchema,
    response: okReply,
    handler: async ({ body, principal, request, reply }) => {
      assertOwner(principal);
      await auth.setPassword(body.password);
      store.addEvent(null, 'auth.password', 'the admin password was set; every session was signed out', undefined, principal.actor);
      // The browser that set it stays signed in with a fresh session.
      if (principal.kind === 'session') void reply.header('set-cookie', sessionCookie(request, await auth.login(body.password, { address: request.ip, userAgent: request.headers['user-agent'] ?? null }), SESSION_TTL_MS / 1000));
      return { ok: true as const };
    },
  });
  registry.add(app, {
    method: 'POST',
    url: '/api/v1/auth/login-codes',
    tag: 'auth',
    summary: 'Make a one-time login code (valid 15 minutes)',
    access: 'admin',
    response: loginCodeSchema,
    status: 201,
    handler: async ({ principal }) => {
      assertOwner(principal);
      store.addEvent(null, 'auth.login-code', 'a one-time login code was made', undefined, principal.actor);
      return auth.issueLoginCode();
    },
  });
}
