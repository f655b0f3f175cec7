// Keys for Convex Auth (@convex-dev/auth): an RS256 key pair made once per slot. The backend gets JWT_PRIVATE_KEY
// (the PKCS#8 PEM with its newlines replaced by spaces, as Convex Auth expects), JWKS ({"keys": [the public key]})
// and SITE_URL (the app's public URL). Kept 0600 beside the instance, so every deploy sets the same keys.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AuthKeys {
  JWT_PRIVATE_KEY: string;
  JWKS: string;
}

/** Does the app use Convex Auth (a @convex-dev/auth dependency)? */
export function usesConvexAuth(appFolder: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(appFolder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    return Boolean(manifest.dependencies?.['@convex-dev/auth'] ?? manifest.devDependencies?.['@convex-dev/auth']);
  } catch {
    return false;
  }
}

/** The slot's key pair: made on first use, the same ever after. */
export function authKeys(dir: string): AuthKeys {
  const file = path.join(dir, 'auth-keys.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as AuthKeys;
  } catch {
    // First use.
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keys: AuthKeys = {
    JWT_PRIVATE_KEY: pem.trimEnd().replace(/\n/g, ' '),
    JWKS: JSON.stringify({ keys: [{ use: 'sig', alg: 'RS256', ...publicKey.export({ format: 'jwk' }) }] }),
  };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(keys, null, 2), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
  return keys;
}
