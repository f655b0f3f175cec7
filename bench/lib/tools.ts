// Installs what the benchmarks compare against, if missing: wrk and nginx from apt, PM2 from npm (into bench/.tools).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const benchDir = path.resolve(import.meta.dirname, '..');
export const repoDir = path.resolve(benchDir, '..');
const toolsDir = path.join(benchDir, '.tools');

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensureAptTools(packages: Record<string, string>): void {
  const missing = Object.entries(packages).filter(([command]) => !has(command)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  console.log(`installing ${missing.join(', ')} from apt…`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit' });
}

/** Path of the pm2 binary, installed into bench/.tools the first time. */
export function ensurePm2(): string {
  const bin = path.join(toolsDir, 'node_modules', '.bin', 'pm2');
  if (!fs.existsSync(bin)) {
    console.log('installing pm2 from npm into bench/.tools…');
    fs.mkdirSync(toolsDir, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', toolsDir, 'pm2@7'], { stdio: 'inherit' });
  }
  return bin;
}

/**
 * NODE_EXTRA_CA_CERTS adds ~80 ms to every Node start. berth's apps do not inherit it (inheritEnv), PM2's and a bare
 * node's would: unset it for the whole run so every contender starts Node the same way. Says whether it was set.
 */
export function equaliseNodeStarts(): string {
  const value = process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
  return value ? `NODE_EXTRA_CA_CERTS was set (${value}); unset for this run so every Node start pays the same` : 'NODE_EXTRA_CA_CERTS not set';
}

export function describeMachine(): string {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ?? 'unknown cpu';
  const cores = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0;
  return `${new Date().toISOString().slice(0, 10)} · ${cores} cores · ${cpu} · node ${process.version}`;
}
