// Credentials berth makes itself (the CLI's token, the webhook secret): random, in files only the owner can read (0600).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function ensureSecretFile(file: string): string {
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // No token yet: make one.
  }
  return replaceSecretFile(file);
}

/** Writes a new random secret into the file (a rotation) and returns it. */
export function replaceSecretFile(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  // Write to a temp file with the right mode first, so the token is never readable by others, even briefly.
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
  return token;
}
