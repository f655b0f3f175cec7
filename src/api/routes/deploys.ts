// Deployment routes: start (async, 202), cancel, get, log (a page or a followed stream), slot settings, git access.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ensureDeployKey, readDeployKey } from '../../deploy/deploy-key.js';
import { deployStartRequestSchema, gitTokenRequestSchema, slotSettingsPatchSchema } from '../../sdk/schemas.js';
import type { ApiDeps } from '../build-api.js';

const slotParams = z.object({ slot: z.string() });
const idParams = z.object({ id: z.string().regex(/^[0-9a-z-]{1,64}$/) });
const HEARTBEAT_MS = 15_000;

export function registerDeployRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { deploys, service, store, paths } = deps;

  const settingsView = (slot: string) => ({
    slot,
    settings: service.settings(slot),
    gitToken: store.getGitToken(slot) ? ('slot' as const) : store.getGitToken('*') ? ('workspace' as const) : ('none' as const),
    deployKey: readDeployKey(paths.deployKey(slot)),
  });

  app.post('/api/v1/slots/:slot/deploy', async (request, reply) => {
    const { slot } = slotParams.parse(request.params);
    const body = deployStartRequestSchema.parse(request.body ?? {});
    const source = 'path' in body ? { type: 'path' as const, path: body.path } : { type: 'git' as const, commit: body.commit ?? null };
    const trigger = request.headers['x-berth-client'] === 'cli' ? 'cli' : 'api';
    return reply.status(202).send({ deployment: deploys.request(slot, source, trigger) });
  });
  app.post('/api/v1/slots/:slot/deploy/cancel', async (request) => ({ cancelled: deploys.cancel(slotParams.parse(request.params).slot) }));

  app.get('/api/v1/deployments/:id', async (request) => ({ deployment: deploys.get(idParams.parse(request.params).id) }));
  app.get('/api/v1/deployments/:id/log', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const query = z.object({ after: z.coerce.number().int().min(0).default(0), follow: z.enum(['0', '1']).optional() }).parse(request.query);
    if (query.follow !== '1') {
      const lines = deploys.readLog(id, query.after);
      return { lines, cursor: lines.at(-1)?.n ?? query.after, deployment: deploys.get(id) };
    }
    deploys.get(id);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
    raw.flushHeaders();
    const send = (message: unknown) => raw.write(`${JSON.stringify(message)}\n`);
    const heartbeat = setInterval(() => raw.write('\n'), HEARTBEAT_MS);
    const stop = deploys.follow(
      id,
      query.after,
      (lines) => send({ type: 'lines', lines }),
      () => {
        // The stream ends with the final record, so a client knows the result without asking again.
        send({ type: 'deployment', deployment: deploys.get(id) });
        clearInterval(heartbeat);
        raw.end();
      },
    );
    raw.on('close', () => {
      clearInterval(heartbeat);
      stop();
    });
  });

  app.get('/api/v1/slots/:slot/settings', async (request) => settingsView(slotParams.parse(request.params).slot));
  app.patch('/api/v1/slots/:slot/settings', async (request) => {
    const { slot } = slotParams.parse(request.params);
    await service.updateSettings(slot, slotSettingsPatchSchema.parse(request.body ?? {}));
    return settingsView(slot);
  });
  app.post('/api/v1/slots/:slot/deploy-key', async (request) => {
    const { slot } = slotParams.parse(request.params);
    service.settings(slot);
    const { rotate } = z.object({ rotate: z.boolean().default(false) }).parse(request.body ?? {});
    return { slot, publicKey: await ensureDeployKey(paths.deployKey(slot), slot, rotate) };
  });

  app.put('/api/v1/git-token', async (request) => {
    const body = gitTokenRequestSchema.parse(request.body ?? {});
    if (body.slot) service.settings(body.slot);
    store.setGitToken(body.slot ?? '*', { token: body.token, username: body.username ?? null });
    return { scope: body.slot ?? 'workspace' };
  });
  app.delete('/api/v1/git-token', async (request) => {
    const { slot } = z.object({ slot: z.string().optional() }).parse(request.query);
    if (slot) service.settings(slot);
    store.setGitToken(slot ?? '*', null);
    return { scope: slot ?? 'workspace' };
  });
}
