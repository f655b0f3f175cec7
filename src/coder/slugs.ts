// A slot's subdomain slug in Coder: what Coder accepts for an app slug, unique among the slots, not a name berth's
// own apps use, not something Coder reads as a port, and short enough for the hostname label.
import { BerthError } from '../errors/berth-error.js';
import { coderAppLabel, type CoderContext } from './coder-env.js';

export const SLUG_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/;
/** Apps berth's template defines itself. */
export const RESERVED_SLUGS = ['admin', 'hooks', 'berth'];
const MAX_LABEL = 63;

export function slugProblem(slug: string, options: { otherSlugs: Map<string, string>; coder: CoderContext | null }): string | null {
  if (!SLUG_PATTERN.test(slug)) return 'lowercase letters, digits and single dashes, starting and ending with a letter or digit (Coder’s rule for app slugs)';
  if (/^\d{4,5}s?$/.test(slug)) return 'not 4 or 5 digits, which Coder reads as a port number';
  if (RESERVED_SLUGS.includes(slug) || slug.endsWith('-convex') || slug.endsWith('-convex-site')) return `not one of berth's own app names (${RESERVED_SLUGS.join(', ')}, <slug>-convex, <slug>-convex-site)`;
  const holder = options.otherSlugs.get(slug);
  if (holder) return `unique: slot ${holder} already uses it`;
  const label = options.coder ? coderAppLabel(options.coder, slug) : null;
  if (label && label.length > MAX_LABEL) return `shorter: the hostname label ${label} would be ${label.length} characters, and DNS allows ${MAX_LABEL}`;
  if (!label && slug.length > 32) return 'at most 32 characters';
  return null;
}

export function assertSlug(slug: string, options: Parameters<typeof slugProblem>[1]): void {
  const problem = slugProblem(slug, options);
  if (problem) throw new BerthError('ERR_SETTINGS_INVALID', `The slot setting slug cannot be "${slug}": it must be ${problem}.`, { details: { setting: 'slug', value: slug } });
}

/**
 * Slugs chosen in the Coder template's parameters reach berth as BERTH_SLOT_SLUGS ("a=shop,b=blog"): each valid one
 * becomes the slot's slug setting at start; an invalid one is refused with its reason and the slot keeps its slug.
 */
export function applySlugsFromEnv(
  value: string | undefined,
  options: { slots: string[]; current(slot: string): string; set(slot: string, slug: string): void; refuse(slot: string, message: string): void; coder: CoderContext | null },
): void {
  if (!value) return;
  for (const pair of value.split(',')) {
    const [slot, slug] = pair.split('=').map((part) => part.trim());
    if (!slot || !options.slots.includes(slot)) {
      if (slot) options.refuse(slot, `BERTH_SLOT_SLUGS names "${slot}", which is not a slot (the slots are ${options.slots.join(', ')})`);
      continue;
    }
    if (!slug || slug === options.current(slot)) continue;
    const otherSlugs = new Map(options.slots.filter((name) => name !== slot).map((name) => [options.current(name), name]));
    const problem = slugProblem(slug, { otherSlugs, coder: options.coder });
    if (problem) options.refuse(slot, `the Coder parameter gives slot ${slot} the slug "${slug}", which must be ${problem}; the slot keeps "${options.current(slot)}"`);
    else options.set(slot, slug);
  }
}
