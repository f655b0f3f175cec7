// Installed dependencies kept for reuse: when the lockfile, the install command and Node are unchanged, a new
// release gets hard links to the node_modules folders of an earlier install instead of installing again.
// Hard links cost no copy and no download; every slot shares the one cache.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DependencyKeyInput {
  sourceRoot: string;
  installDir: string;
  lockfile: string | null;
  installDisplay: string;
  nodeVersion: string;
}

/** Null when installs cannot be reused safely: without a lockfile, the same package.json may resolve differently. */
export function dependencyKey(input: DependencyKeyInput): string | null {
  if (!input.lockfile) return null;
  const hash = createHash('sha256');
  for (const part of [input.installDisplay, input.nodeVersion, process.platform, process.arch, input.installDir]) hash.update(`${part}\0`);
  for (const file of [input.lockfile, path.posix.join(input.installDir, 'package.json'), path.posix.join(input.installDir, 'pnpm-workspace.yaml')]) {
    hash.update(`${file}\0`);
    try {
      hash.update(fs.readFileSync(path.join(input.sourceRoot, file)));
    } catch {
      hash.update('(none)');
    }
  }
  return hash.digest('hex').slice(0, 24);
}

export function createDependencyCache(root: string, keepEntries = 12) {
  const entryDir = (key: string) => path.join(root, key);

  return {
    /** Links the cached node_modules folders into the source tree; false if the entry is missing or linking failed. */
    async restore(key: string, sourceRoot: string): Promise<boolean> {
      let dirs: string[];
      try {
        dirs = JSON.parse(fs.readFileSync(path.join(entryDir(key), 'dirs.json'), 'utf8')) as string[];
      } catch {
        return false;
      }
      for (const dir of dirs) {
        const target = path.join(sourceRoot, dir, 'node_modules');
        fs.rmSync(target, { recursive: true, force: true });
        if (!(await linkTree(path.join(entryDir(key), 'tree', dir, 'node_modules'), target))) return false;
      }
      const now = new Date();
      fs.utimesSync(entryDir(key), now, now);
      return true;
    },

    /** Keeps the node_modules folders a fresh install made (before any build touches them). */
    async save(key: string, sourceRoot: string, installDir: string): Promise<void> {
      const dirs = findNodeModules(sourceRoot, installDir);
      if (dirs.length === 0) return;
      const staging = `${entryDir(key)}.tmp-${process.pid}`;
      fs.rmSync(staging, { recursive: true, force: true });
      for (const dir of dirs) {
        fs.mkdirSync(path.join(staging, 'tree', dir), { recursive: true });
        if (!(await linkTree(path.join(sourceRoot, dir, 'node_modules'), path.join(staging, 'tree', dir, 'node_modules')))) {
          fs.rmSync(staging, { recursive: true, force: true });
          return;
        }
      }
      fs.writeFileSync(path.join(staging, 'dirs.json'), JSON.stringify(dirs));
      fs.rmSync(entryDir(key), { recursive: true, force: true });
      // The entry appears whole or not at all.
      fs.renameSync(staging, entryDir(key));
      prune();
    },
  };

  /** Drops the least recently used entries beyond `keepEntries`. */
  function prune(): void {
    const entries = fs
      .readdirSync(root)
      .filter((name) => !name.includes('.tmp-'))
      .map((name) => ({ name, used: fs.statSync(path.join(root, name)).mtimeMs }))
      .sort((a, b) => b.used - a.used);
    for (const entry of entries.slice(keepEntries)) fs.rmSync(path.join(root, entry.name), { recursive: true, force: true });
  }
}

/** The folders (relative to the source root) that got a node_modules from the install: the install folder and its workspaces. */
function findNodeModules(sourceRoot: string, installDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(sourceRoot, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === '.git') continue;
      const child = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.name === 'node_modules') found.push(dir);
      else if (depth < 4) walk(child, depth + 1);
    }
  };
  walk(installDir, 0);
  return found;
}

/**
 * A copy of a folder made of hard links (symlinks kept as they are). cp does it in one child process, so a large
 * node_modules never blocks the daemon's event loop (and with it every slot front).
 */
function linkTree(from: string, to: string): Promise<boolean> {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  return new Promise((resolve) => {
    const child = spawn('cp', ['-al', '--', from, to], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}
