// Push to deploy: a delivery is verified over its raw bytes, checked against earlier ones (a redelivery or replay
// starts nothing), read, routed to the slots that track the pushed repository and branch, and logged with what
// berth did and why. Answers are short and immediate; deployments run in the background.
import { createHash, randomBytes } from 'node:crypto';
import type { BerthPaths } from '../config/paths.js';
import { ensureSecretFile, replaceSecretFile } from '../daemon/credentials.js';
import { BerthError, toBerthError } from '../errors/berth-error.js';
import type { DeploymentRecord, DeploySource } from '../store/records.js';
import type { DeliveryOutcome, DeliveryRecord, DeliveryRoute, HookStore, NewDelivery } from '../store/hook-store.js';
import { eventKind, PayloadError, readPush, type HookSource, type PushSummary } from './payloads.js';
import { routePush, type SlotTracking } from './routing.js';
import { verifyGitea, verifyGithub, verifyGitlab, type HookSecret, type Verification } from './signatures.js';

export interface IncomingDelivery {
  source: HookSource;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  contentType: string;
  address: string | null;
}

export interface DeliveryAnswer {
  status: number;
  body: { outcome: DeliveryOutcome; reason: string; delivery: number | null; slots: string[]; deployments: string[] };
}

export interface HooksServiceDeps {
  paths: BerthPaths;
  hooks: HookStore;
  slots(): SlotTracking[];
  deploy(slot: string, source: DeploySource, actor: string): DeploymentRecord;
  now?: () => number;
}

const header = (headers: IncomingDelivery['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The delivery id, event and signature check of each sender. */
function describe(incoming: IncomingDelivery, secrets: HookSecret[]): { deliveryId: string | null; event: string; verification: Verification } {
  const h = (name: string) => header(incoming.headers, name);
  if (incoming.source === 'github') {
    return { deliveryId: h('x-github-delivery') ?? null, event: eventKind('github', h('x-github-event')), verification: verifyGithub(incoming.raw, h('x-hub-signature-256'), h('x-hub-signature'), secrets) };
  }
  if (incoming.source === 'gitea') {
    return {
      deliveryId: h('x-forgejo-delivery') ?? h('x-gitea-delivery') ?? null,
      event: eventKind('gitea', h('x-forgejo-event') ?? h('x-gitea-event')),
      verification: verifyGitea(incoming.raw, h('x-forgejo-signature') ?? h('x-gitea-signature'), secrets),
    };
  }
  return { deliveryId: h('x-gitlab-event-uuid') ?? null, event: eventKind('gitlab', h('x-gitlab-event')), verification: verifyGitlab(h('x-gitlab-token'), secrets) };
}

/** JSON, or GitHub's form encoding with the JSON in its `payload` field. */
function parseBody(raw: Buffer, contentType: string): unknown {
  const type = contentType.split(';')[0].trim().toLowerCase();
  let text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new PayloadError('a form-encoded delivery must carry its JSON in the payload field');
    text = payload;
  } else if (type !== 'application/json') {
    throw new PayloadError(`content type "${type || '(none)'}" is not application/json or application/x-www-form-urlencoded`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PayloadError(`the body is not valid JSON (${(error as Error).message})`);
  }
}

export function createHooksService(deps: HooksServiceDeps) {
  const now = deps.now ?? Date.now;
  let workspaceSecret = ensureSecretFile(deps.paths.webhookSecret);

  function secrets(): HookSecret[] {
    return [{ value: workspaceSecret, scope: { kind: 'workspace' } }, ...deps.hooks.slotSecrets().map(({ slot, secret }) => ({ value: secret, scope: { kind: 'slot' as const, slot } }))];
  }

  function answer(status: number, delivery: DeliveryRecord | null, outcome: DeliveryOutcome, reason: string, routes: DeliveryRoute[] = []): DeliveryAnswer {
    const queued = routes.filter((route) => route.deployment !== null);
    return { status, body: { outcome, reason, delivery: delivery?.id ?? null, slots: queued.map((route) => route.slot), deployments: queued.map((route) => route.deployment!) } };
  }

  /** Deploys the push to the slots routing chose; a slot that cannot take it gets the reason in its note. */
  function route(push: PushSummary, onlySlot: string | null, actor: string): { outcome: DeliveryOutcome; reason: string; routes: DeliveryRoute[] } {
    const decision = routePush(push, deps.slots(), onlySlot);
    const routes: DeliveryRoute[] = decision.notes.map(({ slot, note }) => ({ slot, note, deployment: null }));
    for (const route of routes) {
      if (!decision.targets.includes(route.slot)) continue;
      try {
        route.deployment = deps.deploy(route.slot, { type: 'git', commit: push.after }, actor).id;
      } catch (error) {
        route.note = `not deployed: ${toBerthError(error).message}`;
      }
    }
    const queued = routes.filter((entry) => entry.deployment !== null);
    if (decision.targets.length > 0 && queued.length === 0) return { outcome: 'ignored', reason: routes.map((entry) => `${entry.slot}: ${entry.note}`).join('; '), routes };
    return { outcome: queued.length > 0 ? 'queued' : 'ignored', reason: queued.length > 0 ? `queued for slots ${queued.map((entry) => entry.slot).join(', ')}` : decision.reason, routes };
  }

  return {
    receive(incoming: IncomingDelivery): DeliveryAnswer {
      const { deliveryId, event, verification } = describe(incoming, secrets());
      const bodySha256 = createHash('sha256').update(incoming.raw).digest('hex');
      const base: Omit<NewDelivery, 'outcome' | 'reason'> = {
        source: incoming.source,
        deliveryId: deliveryId?.slice(0, 200) ?? null,
        bodySha256,
        receivedAt: now(),
        address: incoming.address,
        event: event.slice(0, 100),
        repo: null,
        ref: null,
        commit: null,
        signature: verification.verdict,
        scope: verification.secret ? (verification.secret.scope.kind === 'workspace' ? 'workspace' : `slot:${verification.secret.scope.slot}`) : null,
        routes: [],
        push: null,
      };
      const log = (outcome: DeliveryOutcome, reason: string, extra: Partial<NewDelivery> = {}) => deps.hooks.add({ ...base, ...extra, outcome, reason });

      if (verification.verdict !== 'valid') {
        const reason = `signature ${verification.verdict}: ${SIGNATURE_ADVICE[verification.verdict]}`;
        return answer(401, log('rejected', reason), 'rejected', reason);
      }
      const earlier = deps.hooks.findVerified(incoming.source, base.deliveryId, bodySha256);
      if (earlier) {
        const reason = `already handled as delivery ${earlier.id} (${earlier.outcome}); a redelivered or replayed request starts nothing`;
        return answer(202, log('duplicate', reason), 'duplicate', reason);
      }
      let body: unknown;
      let push: PushSummary;
      try {
        body = parseBody(incoming.raw, incoming.contentType);
        if (event === 'ping') return answer(200, log('pong', 'ping received; the secret matches'), 'pong', 'ping received; the secret matches');
        if (event !== 'push') {
          const reason = `ignored: berth deploys on push events, not "${event}"`;
          return answer(202, log('ignored', reason), 'ignored', reason);
        }
        push = readPush(incoming.source, body);
      } catch (error) {
        if (!(error instanceof PayloadError)) throw error;
        const reason = `malformed: ${error.message}`;
        return answer(400, log('rejected', reason), 'rejected', reason);
      }
      const scope = verification.secret!.scope;
      const routed = route(push, scope.kind === 'slot' ? scope.slot : null, `webhook:${incoming.source}`);
      const delivery = log(routed.outcome, routed.reason, { repo: push.repoName ?? push.repoAddresses[0] ?? null, ref: push.ref, commit: push.after, push, routes: routed.routes });
      return answer(202, delivery, routed.outcome, routed.reason, routed.routes);
    },

    /** Routes a logged push again (the UI's "redeliver"), as if it had just arrived. */
    redeliver(id: number, actor: string): DeliveryRecord {
      const original = deps.hooks.get(id);
      if (!original) throw new BerthError('ERR_HOOK_DELIVERY_UNKNOWN', `There is no webhook delivery ${id} in the log.`, { details: { delivery: id } });
      if (!original.push) {
        throw new BerthError('ERR_HOOK_NOT_REDELIVERABLE', `Delivery ${id} was not a verified push (${original.outcome}: ${original.reason}), so there is nothing to route again.`, { details: { delivery: id } });
      }
      const onlySlot = original.scope?.startsWith('slot:') ? original.scope.slice(5) : null;
      const routed = route(original.push, onlySlot, actor);
      return deps.hooks.add({
        ...original,
        deliveryId: null,
        bodySha256: `redelivery:${id}:${randomBytes(8).toString('hex')}`,
        receivedAt: now(),
        address: null,
        event: 'push',
        outcome: routed.outcome,
        reason: `redelivery of ${id} by ${actor}: ${routed.reason}`,
        routes: routed.routes,
      });
    },

    workspaceSecret: () => workspaceSecret,
    rotateWorkspaceSecret(): string {
      workspaceSecret = replaceSecretFile(deps.paths.webhookSecret);
      return workspaceSecret;
    },
    slotSecret: (slot: string) => deps.hooks.slotSecret(slot),
    /** Gives the slot a secret of its own (a new one each time); deliveries signed with it reach only that slot. */
    rotateSlotSecret(slot: string): string {
      const secret = randomBytes(32).toString('base64url');
      deps.hooks.setSlotSecret(slot, secret);
      return secret;
    },
    removeSlotSecret: (slot: string) => deps.hooks.setSlotSecret(slot, null),
    deliveries: (options: { slot?: string; limit?: number }) => deps.hooks.list(options),
  };
}

const SIGNATURE_ADVICE: Record<string, string> = {
  missing: 'the request carries no signature; set the secret in the webhook settings of the repository',
  invalid: 'the signature does not match; paste the secret berth shows (`berth hooks info`) into the webhook settings',
  malformed: 'the signature header is not in the form the sender documents',
  'wrong-algorithm': 'only HMAC-SHA256 signatures (X-Hub-Signature-256) are accepted',
};

export type HooksService = ReturnType<typeof createHooksService>;
