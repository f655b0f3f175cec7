// Decides how to run a built source tree: a Node.js server (start script, framework output, entry file) or a
// static site served by the slot front; the slot's settings override each choice.
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { ReleaseKind, SlotSettings, StartCommand } from '../store/records.js';
import { ownerCommand, packageManagerCommand, readPackageJson, type DetectTools, type PackageJson, type PackageManager } from './detect-install.js';

export interface DetectedApp {
  kind: ReleaseKind;
  command: StartCommand | null;
  /** For a static site: the folder served, relative to the app folder. */
  staticDir: string | null;
  /** Why this choice, in words, for the deploy log. */
  reason: string;
}

const ENTRY_FILES = ['server.js', 'index.js', 'app.js', 'server.mjs', 'index.mjs', 'app.mjs'];
const STATIC_DIRS = ['dist', 'build', 'out', 'public', '_site'];

interface Framework {
  name: string;
  dependency: string;
  /** The built server file that must exist for the rule to apply (null: the framework's own CLI serves). */
  entry: string | null;
}

const FRAMEWORKS: Framework[] = [
  { name: 'Next.js', dependency: 'next', entry: null },
  { name: 'SvelteKit (adapter-node)', dependency: '@sveltejs/adapter-node', entry: 'build/index.js' },
  { name: 'Nuxt (Nitro node server)', dependency: 'nuxt', entry: '.output/server/index.mjs' },
  { name: 'Astro (@astrojs/node)', dependency: '@astrojs/node', entry: 'dist/server/entry.mjs' },
];

export interface DetectRunOptions extends DetectTools {
  sourceRoot: string;
  appDir: string;
  settings: SlotSettings;
  packageManager: PackageManager;
}

export function detectApp(options: DetectRunOptions): DetectedApp {
  const folder = path.join(options.sourceRoot, options.appDir);
  const manifest = readPackageJson(folder);
  const { settings } = options;
  if (settings.startCommand) {
    return { kind: 'node', command: ownerCommand(settings.startCommand), staticDir: null, reason: `start command from the slot's settings → ${settings.startCommand}` };
  }
  if (settings.staticDir) {
    if (!fs.existsSync(path.join(folder, settings.staticDir, 'index.html'))) {
      throw new BerthError('ERR_DEPLOY_SOURCE_UNRECOGNISED', `The slot's settings serve the folder ${settings.staticDir}, but ${path.join(options.appDir, settings.staticDir)}/index.html does not exist after the build.`, {
        details: { staticDir: settings.staticDir },
      });
    }
    return { kind: 'static', command: null, staticDir: settings.staticDir, reason: `static folder from the slot's settings → serve ${settings.staticDir}/` };
  }
  const start = manifest?.scripts?.start;
  if (start) {
    const direct = /^node\s+([\w./@-]+)$/.exec(start.trim());
    if (direct && fs.existsSync(path.join(folder, direct[1]!))) {
      return { kind: 'node', command: nodeCommand(options.nodePath, direct[1]!), staticDir: null, reason: `\`start\` script is \`${start}\` → node ${direct[1]} (run directly, without the package manager, to start faster)` };
    }
    const command = packageManagerCommand(options.packageManager, options, ['start']);
    return { kind: 'node', command, staticDir: null, reason: `\`start\` script → ${command.display}` };
  }
  const framework = detectFramework(options, folder, manifest);
  if (framework) return framework;
  const main = typeof manifest?.main === 'string' ? manifest.main : null;
  if (main && fs.existsSync(path.join(folder, main))) {
    return { kind: 'node', command: nodeCommand(options.nodePath, main), staticDir: null, reason: `package.json main → node ${main}` };
  }
  const entry = ENTRY_FILES.find((file) => fs.existsSync(path.join(folder, file)));
  if (entry) return { kind: 'node', command: nodeCommand(options.nodePath, entry), staticDir: null, reason: `${entry} found → node ${entry}` };
  const staticDir = STATIC_DIRS.find((dir) => fs.existsSync(path.join(folder, dir, 'index.html')));
  if (staticDir) return { kind: 'static', command: null, staticDir, reason: `no server to run; ${staticDir}/index.html found → static site from ${staticDir}/` };
  if (fs.existsSync(path.join(folder, 'index.html'))) return { kind: 'static', command: null, staticDir: '', reason: 'no server to run; index.html found → static site' };
  throw new BerthError(
    'ERR_DEPLOY_SOURCE_UNRECOGNISED',
    `berth cannot tell how to run ${options.appDir || 'the app'}: it has no \`start\` script, no framework output it knows, no package.json main, no ${ENTRY_FILES.join('/')}, and no index.html in ${STATIC_DIRS.join(', ')} or at the top.`,
    { details: { folder: options.appDir || '.' } },
  );
}

function detectFramework(options: DetectRunOptions, folder: string, manifest: PackageJson | null): DetectedApp | null {
  const dependencies = { ...manifest?.devDependencies, ...manifest?.dependencies };
  for (const framework of FRAMEWORKS) {
    if (!(framework.dependency in dependencies)) continue;
    if (framework.entry === null) {
      const bin = findBin(options, 'next');
      if (!bin) continue;
      // The script is fixed text; the binary's path travels as $0, so nothing is spliced into the shell line.
      return {
        kind: 'node',
        command: { command: '/bin/sh', args: ['-c', 'exec "$0" start -p "$PORT"', bin], display: 'next start -p $PORT' },
        staticDir: null,
        reason: `${framework.name} (dependency ${framework.dependency}) → next start -p $PORT`,
      };
    }
    if (fs.existsSync(path.join(folder, framework.entry))) {
      return { kind: 'node', command: nodeCommand(options.nodePath, framework.entry), staticDir: null, reason: `${framework.name} output ${framework.entry} found → node ${framework.entry}` };
    }
  }
  return null;
}

/** A package binary from the app's node_modules, or the monorepo root's; relative to the app folder. */
function findBin(options: DetectRunOptions, name: string): string | null {
  let dir = options.appDir;
  for (;;) {
    const candidate = path.join(options.sourceRoot, dir, 'node_modules', '.bin', name);
    if (fs.existsSync(candidate)) return path.relative(path.join(options.sourceRoot, options.appDir), candidate) || candidate;
    if (dir === '') return null;
    dir = path.posix.dirname(dir) === '.' ? '' : path.posix.dirname(dir);
  }
}

function nodeCommand(nodePath: string, file: string): StartCommand {
  return { command: nodePath, args: [file], display: `node ${file}` };
}
