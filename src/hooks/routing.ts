// Which slots a push deploys: those that track the pushed repository (whatever way its address is written) and the
// pushed branch, with auto-deploy on. Every slot tracking the repository gets a note saying what it did and why.
import type { PushSummary } from './payloads.js';
import { skipMarker } from './payloads.js';
import { identitiesOf, repoIdentity } from './repo-identity.js';

export interface SlotTracking {
  slot: string;
  repo: string | null;
  branch: string | null;
  autoDeploy: boolean;
  deployTags: boolean;
}

export interface RoutingDecision {
  /** Slots to deploy the pushed commit to. */
  targets: string[];
  /** Every slot tracking the repository, with what it made of the push. */
  notes: Array<{ slot: string; note: string }>;
  /** One line for the sender and the log. */
  reason: string;
}

const ignore = (reason: string, notes: RoutingDecision['notes'] = []): RoutingDecision => ({ targets: [], notes, reason });

/** `onlySlot` limits routing to one slot (a delivery verified by that slot's own secret). */
export function routePush(push: PushSummary, slots: SlotTracking[], onlySlot: string | null): RoutingDecision {
  const identities = identitiesOf(push.repoAddresses);
  const repoLabel = push.repoName ?? push.repoAddresses[0] ?? 'an unnamed repository';
  const tracking = slots.filter((slot) => (onlySlot === null || slot.slot === onlySlot) && slot.repo !== null && identities.has(repoIdentity(slot.repo) ?? ''));
  if (tracking.length === 0) {
    return ignore(onlySlot ? `slot ${onlySlot} (whose secret signed this) does not track ${repoLabel}` : `no slot tracks ${repoLabel}`);
  }
  const all = (note: string) => tracking.map((slot) => ({ slot: slot.slot, note }));
  if (push.deleted) return ignore(`the push deletes ${push.ref}`, all('ignored: a deletion'));
  const marker = skipMarker(push.headMessage);
  if (marker) return ignore(`the head commit says ${marker}`, all(`ignored: ${marker}`));

  const branch = push.ref.startsWith('refs/heads/') ? push.ref.slice('refs/heads/'.length) : null;
  const tag = push.ref.startsWith('refs/tags/') ? push.ref.slice('refs/tags/'.length) : null;
  if (branch === null && tag === null) return ignore(`${push.ref} is neither a branch nor a tag`, all('ignored: not a branch or tag'));

  const notes: RoutingDecision['notes'] = [];
  const targets: string[] = [];
  for (const slot of tracking) {
    const follows = slot.branch ?? 'main';
    if (branch !== null && branch !== follows) notes.push({ slot: slot.slot, note: `ignored: follows ${follows}, not ${branch}` });
    else if (tag !== null && !slot.deployTags) notes.push({ slot: slot.slot, note: `ignored: tag ${tag}, and the slot does not deploy tags` });
    else if (!slot.autoDeploy) notes.push({ slot: slot.slot, note: 'ignored: auto-deploy is off' });
    else {
      targets.push(slot.slot);
      notes.push({ slot: slot.slot, note: `deploying ${push.after.slice(0, 7)}` });
    }
  }
  if (targets.length > 0) return { targets, notes, reason: `queued for slots ${targets.join(', ')}` };
  const what = branch !== null ? `branch ${branch}` : `tag ${tag}`;
  return ignore(`no slot deploys ${what} of ${repoLabel} (${notes.map((entry) => `${entry.slot}: ${entry.note.replace(/^ignored: /, '')}`).join('; ')})`, notes);
}
