// The slot's SSH deploy key: generated once with ssh-keygen (ed25519, no passphrase, owner-only), public half shown.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';

/** The public key of the slot's deploy key, or null when it has none. */
export function readDeployKey(keyFile: string): string | null {
  try {
    return fs.readFileSync(`${keyFile}.pub`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Generates the key pair if the slot has none (or `rotate` asks for a new one); returns the public key. */
export async function ensureDeployKey(keyFile: string, slot: string, rotate = false): Promise<string> {
  const existing = readDeployKey(keyFile);
  if (existing && !rotate) return existing;
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  fs.rmSync(keyFile, { force: true });
  fs.rmSync(`${keyFile}.pub`, { force: true });
  const comment = `berth-slot-${slot}@${os.hostname()}`;
  const result = await new Promise<{ code: number | null; output: string; missing: boolean }>((resolve) => {
    const child = spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', keyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, output: error.message, missing: error.code === 'ENOENT' }));
    child.once('close', (code) => resolve({ code, output, missing: false }));
  });
  if (result.missing) {
    throw new BerthError('ERR_TOOL_MISSING', 'ssh-keygen is not installed, so berth cannot make a deploy key.', { remedy: 'Install OpenSSH (`sudo apt-get install -y openssh-client`), or use an HTTPS token: `berth git-token set`.' });
  }
  if (result.code !== 0) throw new BerthError('ERR_INTERNAL', `ssh-keygen failed: ${result.output.trim()}`);
  fs.chmodSync(keyFile, 0o600);
  return readDeployKey(keyFile)!;
}
