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
