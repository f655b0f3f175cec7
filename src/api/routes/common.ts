// Pieces every route plugin uses: the :slot parameter, and how a caller is recorded on what it starts.
import { z } from 'zod';
import { allows, type Principal } from '../../auth/admin-auth.js';
import { BerthError } from '../../errors/berth-error.js';
import { deploymentSchema } from '../../sdk/schemas.js';
import type { DeploymentTrigger } from '../../store/records.js';

export const slotParams = z.object({ slot: z.string().max(64) });
export const deploymentReply = z.object({ deployment: deploymentSchema.nullable() });
export const okReply = z.object({ ok: z.literal(true) });

/** Deployments say how they were asked for: from the UI, the CLI, or an API token. */
export function triggerOf(principal: Principal): DeploymentTrigger {
  return principal.kind === 'session' ? 'ui' : principal.kind === 'cli' ? 'cli' : 'api';
}

/** A slot list narrowed to what the caller may see (a token limited to some slots sees only those). */
export function visibleTo<T extends { slot: string | null }>(principal: Principal, items: T[]): T[] {
  return principal.slots === null ? items : items.filter((item) => item.slot !== null && principal.slots!.includes(item.slot));
}

/** For routes that find their slot from a record (a deployment id), not from the URL. */
export function assertSlotAccess(principal: Principal, role: Parameters<typeof allows>[1], slot: string): void {
  if (!allows(principal, role, slot)) {
    throw new BerthError('ERR_FORBIDDEN', `This ${principal.kind} may not act on slot ${slot}: it needs the ${role} role there.`, { details: { needs: role, slot } });
  }
}

/** Destructive actions need the slot's name typed again; a mismatch is a 400 on the `confirm` field. */
export function assertConfirmed(slot: string, confirm: string | undefined, what = 'confirm'): void {
  if (confirm !== slot) throw new z.ZodError([{ code: 'custom', path: ['confirm'], message: `${what}: type the slot name "${slot}"`, input: confirm }]);
}
