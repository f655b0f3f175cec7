// Decides how to install and build a source tree: package manager from the lockfile, build from the `build` script,
// a warning when the app asks for another Node; every choice explained in words for the deploy log.
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { SlotSettings } from '../store/records.js';
import type { StepCommand } from './run-step.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

export interface PackageJson {
  name?: string;
  main?: unknown;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  engines?: { node?: string };
  packageManager?: string;
  workspaces?: unknown;
}

export interface InstallPlan {
  packageManager: PackageManager;
  /** Folder (relative to the source root) where dependencies are installed: the app folder, or the monorepo root. */
  installDir: string;
  lockfile: string | null;
  install: StepCommand | null;
  build: StepCommand | null;
  /** One line per decision, for the deploy log. */
  explanation: string[];
  warnings: string[];
}

export interface DetectTools {
  nodePath: string;
  nodeVersion: string;
}

const LOCKFILES: Array<[string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

export function readPackageJson(folder: string): PackageJson | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

/** The command that runs a package manager: npm beside this Node, pnpm and yarn through corepack. */
export function packageManagerCommand(manager: PackageManager, tools: DetectTools, args: string[]): StepCommand {
  const display = `${manager} ${args.join(' ')}`;
  if (manager === 'npm') return { command: sibling(tools.nodePath, 'npm'), args, display };
  return { command: sibling(tools.nodePath, 'corepack'), args: [manager, ...args], display };
}

function sibling(nodePath: string, name: string): string {
  const beside = path.join(path.dirname(nodePath), name);
  return fs.existsSync(beside) ? beside : name;
}

/** A command line the owner wrote in the slot's settings: run by the shell, like an npm script. */
export function ownerCommand(line: string): StepCommand {
  return { command: '/bin/sh', args: ['-c', line], display: line };
}

export function planInstall(sourceRoot: string, appDir: string, settings: SlotSettings, tools: DetectTools): InstallPlan {
  const explanation: string[] = [];
  const appFolder = path.join(sourceRoot, appDir);
  const manifest = readPackageJson(appFolder);
  const found = findLockfile(sourceRoot, appDir);
  const installDir = found ? found.dir : appDir;
  const declared = declaredManager(readPackageJson(path.join(sourceRoot, installDir)) ?? manifest);
  const manager: PackageManager = found?.manager ?? declared ?? 'npm';
  if (found) {
    explanation.push(`${path.posix.join(found.dir, found.file)} found → ${manager}${found.dir !== appDir ? ` (installed from ${found.dir || 'the repository root'})` : ''}`);
  } else if (declared) {
    explanation.push(`no lockfile; package.json names ${declared} as its package manager → ${declared}`);
  }

  let install: StepCommand | null;
  if (settings.installCommand !== undefined && settings.installCommand !== null) {
    install = settings.installCommand.trim() ? ownerCommand(settings.installCommand) : null;
    explanation.push(install ? `install command from the slot's settings → ${install.display}` : "install skipped (the slot's settings say so)");
  } else if (!manifest) {
    install = null;
    explanation.push('no package.json → nothing to install');
  } else if (found) {
    install = packageManagerCommand(manager, tools, installArgs(manager, sourceRoot, installDir));
    explanation.push(`install → ${install.display}`);
  } else if (!hasDependencies(manifest)) {
    install = null;
    explanation.push('package.json lists no dependencies → nothing to install');
  } else {
    install = packageManagerCommand(manager, tools, manager === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['install']);
    explanation.push(`no lockfile → ${install.display} (add a lockfile for repeatable installs)`);
  }

  let build: StepCommand | null;
  if (settings.buildCommand !== undefined && settings.buildCommand !== null) {
    build = settings.buildCommand.trim() ? ownerCommand(settings.buildCommand) : null;
    explanation.push(build ? `build command from the slot's settings → ${build.display}` : "build skipped (the slot's settings say so)");
  } else if (manifest?.scripts?.build) {
    build = packageManagerCommand(manager, tools, ['run', 'build']);
    explanation.push(`\`build\` script → ${build.display}`);
  } else {
    build = null;
    explanation.push('no `build` script → no build step');
  }
  return { packageManager: manager, installDir, lockfile: found ? path.posix.join(found.dir, found.file) : null, install, build, explanation, warnings: nodeVersionWarnings(appFolder, manifest, tools.nodeVersion) };
}

/** The lockfile of the app folder, or of the nearest folder above it inside the source (a monorepo root). */
function findLockfile(sourceRoot: string, appDir: string): { dir: string; file: string; manager: PackageManager } | null {
  let dir = appDir;
  for (;;) {
    for (const [file, manager] of LOCKFILES) if (fs.existsSync(path.join(sourceRoot, dir, file))) return { dir, file, manager };
    if (dir === '') return null;
    dir = path.posix.dirname(dir) === '.' ? '' : path.posix.dirname(dir);
  }
}

function declaredManager(manifest: PackageJson | null): PackageManager | null {
  const name = manifest?.packageManager?.split('@')[0];
  return name === 'npm' || name === 'pnpm' || name === 'yarn' ? name : null;
}

function installArgs(manager: PackageManager, sourceRoot: string, installDir: string): string[] {
  if (manager === 'npm') return ['ci', '--no-audit', '--no-fund'];
  if (manager === 'pnpm') return ['install', '--frozen-lockfile'];
  // Yarn 2+ (berry) keeps a .yarnrc.yml and spells "frozen" differently from yarn 1.
  return fs.existsSync(path.join(sourceRoot, installDir, '.yarnrc.yml')) ? ['install', '--immutable'] : ['install', '--frozen-lockfile'];
}

function hasDependencies(manifest: PackageJson): boolean {
  return Object.keys(manifest.dependencies ?? {}).length + Object.keys(manifest.devDependencies ?? {}).length > 0;
}

/** `engines.node` or `.nvmrc` that this machine's Node does not satisfy: a warning, not a failure. */
export function nodeVersionWarnings(appFolder: string, manifest: PackageJson | null, nodeVersion: string): string[] {
  const warnings: string[] = [];
  const range = manifest?.engines?.node;
  if (range && semver.validRange(range) && !semver.satisfies(nodeVersion, range)) {
    warnings.push(`package.json asks for Node ${range} (engines.node) but this machine runs Node ${nodeVersion}; the app may fail to build or run`);
  }
  let nvmrc: string | null = null;
  try {
    nvmrc = fs.readFileSync(path.join(appFolder, '.nvmrc'), 'utf8').trim();
  } catch {
    // No .nvmrc: nothing to compare.
  }
  const wanted = nvmrc?.replace(/^v/, '');
  if (wanted && semver.validRange(wanted) && !semver.satisfies(nodeVersion, wanted)) {
    warnings.push(`.nvmrc asks for Node ${nvmrc} but this machine runs Node ${nodeVersion}; the app may fail to build or run`);
  }
  return warnings;
}
