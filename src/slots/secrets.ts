// Which env values are secrets, and masking them: in API answers (by key) and in logs (by value, when an app or a
// build prints one).

/** Keys that are secret without being marked: *_KEY, *_SECRET, *_TOKEN, *PASSWORD*, DATABASE_URL and the like. */
const SECRET_KEY = /(^|_)(KEY|SECRET|TOKEN)$|PASSWORD|PASSWD|^(DATABASE|POSTGRES)_URL$|^PGPASSWORD$|(^|_)PRIVATE(_|$)|CREDENTIALS?$/i;
/** A URL that carries a password ("postgres://user:pass@host") is a secret whatever its key. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

export const MASK = '••••••••';
/** Values shorter than this are not searched for in log lines: "on" or "1" would mask half the log. */
const MIN_REDACTED_LENGTH = 4;

export function isSecret(key: string, value: string, markedKeys: readonly string[]): boolean {
  return markedKeys.includes(key) || SECRET_KEY.test(key) || URL_WITH_PASSWORD.test(value);
}

export function secretKeysOf(env: Record<string, string>, markedKeys: readonly string[]): string[] {
  return Object.keys(env)
    .filter((key) => isSecret(key, env[key], markedKeys))
    .sort();
}

/** The env as an API shows it: secret values replaced by a mask. */
export function maskSecrets(env: Record<string, string>, markedKeys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, isSecret(key, value, markedKeys) ? MASK : value]));
}

export function secretValues(env: Record<string, string>, markedKeys: readonly string[]): string[] {
  return Object.entries(env)
    .filter(([key, value]) => isSecret(key, value, markedKeys))
    .map(([, value]) => value);
}

/** Replaces every occurrence of the given secrets in a line; longest first, so a secret inside another is not left half-shown. */
export function createRedactor(secrets: ReadonlyArray<string | null | undefined>): (text: string) => string {
  const values = [...new Set(secrets.filter((value): value is string => typeof value === 'string' && value.length >= MIN_REDACTED_LENGTH))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const value of values) if (result.includes(value)) result = result.split(value).join(MASK);
    return result;
  };
}

/** A redactor that also masks secrets learnt later (a token fetched while a deployment runs), from then on. */
export function createLearningRedactor(secrets: ReadonlyArray<string | null | undefined>): { redact(text: string): string; learn(secret: string): void } {
  let known = [...secrets];
  let redact = createRedactor(known);
  return {
    redact: (text) => redact(text),
    learn(secret) {
      known = [...known, secret];
      redact = createRedactor(known);
    },
  };
}
