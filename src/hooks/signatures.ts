// Verifies that a delivery came from someone who knows a webhook secret: an HMAC-SHA256 over the raw bytes of the
// body (GitHub, Gitea, Forgejo) or a shared token (GitLab), compared in constant time, before the body is parsed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A secret and what it lets a delivery reach: every slot (the workspace's) or one slot. */
export interface HookSecret {
  value: string;
  scope: { kind: 'workspace' } | { kind: 'slot'; slot: string };
}

export type SignatureVerdict = 'valid' | 'missing' | 'invalid' | 'malformed' | 'wrong-algorithm';

export interface Verification {
  verdict: SignatureVerdict;
  /** The secret that matched (only when valid). */
  secret: HookSecret | null;
}

/** Equal-length buffers compared in constant time; anything else is unequal. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GitHub's `X-Hub-Signature-256: sha256=<hex>`. The older `X-Hub-Signature: sha1=…` alone is refused as the wrong
 * algorithm: SHA-1 HMACs are not accepted.
 */
export function verifyGithub(raw: Buffer, header: string | undefined, legacyHeader: string | undefined, secrets: HookSecret[]): Verification {
  if (header === undefined) return { verdict: legacyHeader === undefined ? 'missing' : 'wrong-algorithm', secret: null };
  const match = /^([a-z0-9]+)=([0-9a-f]+)$/i.exec(header.trim());
  if (!match) return { verdict: 'malformed', secret: null };
  if (match[1].toLowerCase() !== 'sha256') return { verdict: 'wrong-algorithm', secret: null };
  return verifyHex(raw, match[2], secrets);
}

/** Gitea's `X-Gitea-Signature` and Forgejo's `X-Forgejo-Signature`: the hex HMAC-SHA256, no prefix. */
export function verifyGitea(raw: Buffer, header: string | undefined, secrets: HookSecret[]): Verification {
  if (header === undefined) return { verdict: 'missing', secret: null };
  const hex = header.trim();
  if (!/^[0-9a-f]+$/i.test(hex)) return { verdict: 'malformed', secret: null };
  return verifyHex(raw, hex, secrets);
}

function verifyHex(raw: Buffer, hex: string, secrets: HookSecret[]): Verification {
  if (hex.length !== 64) return { verdict: 'invalid', secret: null };
  const given = Buffer.from(hex.toLowerCase(), 'hex');
  // Every secret is tried, matched or not, so the time taken says nothing about which one (if any) is right.
  let found: HookSecret | null = null;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret.value).update(raw).digest();
    if (sameBytes(expected, given) && !found) found = secret;
  }
  return found ? { verdict: 'valid', secret: found } : { verdict: 'invalid', secret: null };
}

/** GitLab's `X-Gitlab-Token`: the secret itself; both sides are hashed first so the comparison has equal lengths. */
export function verifyGitlab(header: string | undefined, secrets: HookSecret[]): Verification {
  if (header === undefined) return { verdict: 'missing', secret: null };
  const given = createHash('sha256').update(header).digest();
  let found: HookSecret | null = null;
  for (const secret of secrets) {
    if (sameBytes(createHash('sha256').update(secret.value).digest(), given) && !found) found = secret;
  }
  return found ? { verdict: 'valid', secret: found } : { verdict: 'invalid', secret: null };
}

