// Real git repositories for tests: a working copy that commits files and pushes to a bare repository served over file://.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './temp.js';

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'berth test', GIT_AUTHOR_EMAIL: 'test@berth.invalid', GIT_COMMITTER_NAME: 'berth test', GIT_COMMITTER_EMAIL: 'test@berth.invalid' };

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export type FileTree = Record<string, string | null>;

export function writeTree(root: string, files: FileTree): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    if (content === null) {
      fs.rmSync(file, { force: true, recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export interface TestRepo {
  /** The bare repository, as a file:// URL. */
  url: string;
  bareDir: string;
  workDir: string;
  /** Writes (or with null removes) files, commits them on the branch and pushes; returns the commit SHA. */
  commit(files: FileTree, message: string, branch?: string): string;
  /** Runs a command in the working copy before committing (for example to write a lockfile). */
  exec(command: string, args: string[], env?: Record<string, string>): void;
}

export function createTestRepo(files: FileTree, options: { branch?: string; message?: string; prepare?: (repo: TestRepo) => void } = {}): TestRepo {
  const root = makeTempDir('berth-repo-');
  const bareDir = path.join(root, 'origin.git');
  const workDir = path.join(root, 'work');
  const branch = options.branch ?? 'main';
  git(root, ['init', '-q', '--bare', '-b', branch, bareDir]);
  git(root, ['init', '-q', '-b', branch, workDir]);
  const repo: TestRepo = {
    url: `file://${bareDir}`,
    bareDir,
    workDir,
    commit(changes, message, onBranch = branch) {
      const current = git(workDir, ['symbolic-ref', '--short', 'HEAD']);
      if (current !== onBranch) {
        const exists = git(workDir, ['branch', '--list', onBranch]) !== '';
        git(workDir, exists ? ['checkout', '-q', onBranch] : ['checkout', '-q', '-b', onBranch]);
      }
      writeTree(workDir, changes);
      git(workDir, ['add', '-A']);
      git(workDir, ['commit', '-q', '--allow-empty', '-m', message]);
      git(workDir, ['push', '-q', bareDir, `HEAD:refs/heads/${onBranch}`]);
      return git(workDir, ['rev-parse', 'HEAD']);
    },
    exec(command, args, env = {}) {
      execFileSync(command, args, { cwd: workDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    },
  };
  writeTree(workDir, files);
  options.prepare?.(repo);
  repo.commit({}, options.message ?? 'first commit');
  return repo;
}

/** A small Node server whose answer names its version and the GREETING env variable. */
export function serverSource(version: string): string {
  return `const http = require('node:http');
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ version: ${JSON.stringify(version)}, greeting: process.env.GREETING ?? null, cwd: process.cwd(), url: req.url }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
}
