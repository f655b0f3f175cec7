// The build half of a deployment: fetch (or copy) the source, detect, install (or reuse dependencies), build, and
// decide how the release runs. The result is a release folder ready to start; nothing here touches the live app.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { CommitInfo, DeploySource, ReleaseRecord, SlotSettings } from '../store/records.js';
import type { NewRelease } from '../store/state-store.js';
import { usesConvexAuth } from '../convex/auth-keys.js';
import { convexReason } from '../convex/detect.js';
import { deployFunctions } from '../convex/functions-deploy.js';
import { detectApp } from './detect-app.js';
import { expectedEnv, missingEnvWarnings } from './env-example.js';
import { ownerCommand, planInstall, type DetectTools } from './detect-install.js';
import { createDependencyCache, dependencyKey } from './dependency-cache.js';
import { checkoutCommit, fetchCommit, type GitCredentials, type GitHelpers } from './git-source.js';
import { checkRootFolder } from './git-inputs.js';
import { assertEnoughMemory } from './memory-guard.js';
import { assertSourceFolder, copyIntoRelease, removeFolder } from './release-files.js';
import { formatTail, runStep, type StepCommand } from './run-step.js';

export interface StageRunner {
  stage<T>(name: string, work: () => Promise<T> | T): Promise<T>;
  say(lines: string[]): void;
  noteStage(note: string): void;
  /** A warning, kept on the deployment as well as written to its log. */
  warn(warnings: string[]): void;
  setCommit(commit: CommitInfo): void;
}

export interface BuildTimeouts {
  fetchMs: number;
  installMs: number;
  buildMs: number;
}

export interface BuildReleaseOptions {
  slot: string;
  source: DeploySource;
  settings: SlotSettings;
  env: Record<string, string>;
  /** Where this build's files go (a fresh folder named after the deployment). */
  filesDir: string;
  /** Kept releases of the slot, newest first: one with the same build key is reused instead of building again. */
  keptReleases: ReleaseRecord[];
  tools: DetectTools;
  /** Names the app gets from the daemon's environment (config.inheritEnv), besides `env`. */
  inheritedNames?: readonly string[];
  /** Environment every step gets (the daemon's allow-list plus shared package caches), before the slot's env. */
  stepEnv: Record<string, string>;
  dependencyCacheDir: string;
  gitCacheDir: string;
  gitHelpers: GitHelpers;
  credentials: GitCredentials;
  timeouts: BuildTimeouts;
  minFreeMemoryMb: number;
  signal: AbortSignal;
  run: StageRunner;
  /** A slot's Convex backend, for a Convex app: started (or found running) before the front end is built. */
  convex?: { prepare(options: { auth: boolean }): Promise<Record<string, string>> };
  /** Records the pid of a running step (so a daemon crash can stop it at the next start). */
  trackStep?: { onSpawn(pid: number, startTicks: number): void; onExit(pid: number): void };
}

export type BuiltRelease = Omit<NewRelease, 'slot' | 'env' | 'note'>;

export async function buildRelease(options: BuildReleaseOptions): Promise<BuiltRelease> {
  const { run, settings } = options;
  const appDir = checkRootFolder(settings.root ?? '');
  const step = (command: StepCommand, cwd: string, timeoutMs: number, env: Record<string, string>) => {
    run.say([`$ ${command.display}`]);
    return runStep({ step: command, cwd, env, timeoutMs, signal: options.signal, onLines: (lines) => run.say(lines), onSpawn: options.trackStep?.onSpawn, onExit: options.trackStep?.onExit });
  };

  try {
    const built = await buildSteps();
    await releaseStep(built);
    return built;
  } catch (error) {
    // Nothing of a failed build stays on disk (a reused release's folder is never this one).
    removeFolder(options.filesDir);
    throw error;
  }

  /** Env the app's .env.example lists that the slot does not give it: a warning, never a failure. */
  function warnAboutMissingEnv(filesDir: string): void {
    if (!fs.existsSync(path.join(filesDir, appDir))) return;
    run.warn(missingEnvWarnings(expectedEnv(filesDir, appDir), [...Object.keys(options.env), ...(options.inheritedNames ?? [])]));
  }

  /** The owner's release command (migrations): after the build, with the database env, before anything switches. */
  async function releaseStep(built: BuiltRelease): Promise<void> {
    const line = settings.releaseCommand?.trim();
    if (!line) return;
    await run.stage('release', async () => {
      const command = ownerCommand(line);
      const result = await step(command, path.join(built.filesDir, built.appDir), options.timeouts.buildMs, { ...options.stepEnv, ...options.env });
      if (result.code !== 0) throw stepFailed('ERR_DEPLOY_RELEASE_FAILED', command, result);
    });
  }

  async function buildSteps(): Promise<BuiltRelease> {
    let commit: CommitInfo | null = null;
    let reused: ReleaseRecord | undefined;
    const buildKey = await run.stage(options.source.type === 'git' ? 'fetch' : 'copy', async () => {
      if (options.source.type === 'path') {
        const folder = assertSourceFolder(options.source.path);
        copyIntoRelease(folder, options.filesDir);
        run.say([`copied ${folder}`]);
        return null;
      }
      if (!settings.repo) throw new BerthError('ERR_SLOT_NO_SOURCE', `Slot ${options.slot} has no repository to deploy from.`, { details: { slot: options.slot } });
      const branch = settings.branch ?? 'main';
      const fetched = await fetchCommit({
        repo: settings.repo,
        branch,
        commit: options.source.commit,
        cacheRoot: options.gitCacheDir,
        credentials: options.credentials,
        helpers: options.gitHelpers,
        baseEnv: options.stepEnv,
        run: (command, env, cwd) => step(command, cwd, options.timeouts.fetchMs, env),
      });
      commit = fetched.commit;
      run.setCommit(commit);
      run.say([`commit ${commit.sha.slice(0, 7)} “${commit.subject}” (${branch})`]);
      const key = buildKeyOf(commit.sha, settings, options.env, options.tools.nodeVersion);
      reused = options.keptReleases.find((release) => release.buildKey === key && fs.existsSync(release.filesDir));
      if (!reused) await checkoutCommit({ run: (command, env, cwd) => step(command, cwd, options.timeouts.fetchMs, env), baseEnv: options.stepEnv }, fetched.gitDir, commit.sha, options.filesDir);
      return key;
    });
    warnAboutMissingEnv(reused?.filesDir ?? options.filesDir);
    if (reused) {
      run.say([`release ${reused.seq} was built from the same commit with the same settings and env → build skipped, its files are reused`]);
      await run.stage('build', () => run.noteStage(`skipped: same commit as release ${reused!.seq}`));
      return { kind: reused.kind, filesDir: reused.filesDir, appDir: reused.appDir, staticDir: reused.staticDir, command: reused.command, source: reused.source, commit, buildKey, settings };
    }

    if (!fs.existsSync(path.join(options.filesDir, appDir))) {
      throw new BerthError('ERR_SETTINGS_INVALID', `The app folder "${appDir}" does not exist in the source.`, { details: { root: appDir } });
    }
    const plan = await run.stage('detect', () => planInstall(options.filesDir, appDir, settings, options.tools));
    run.say(plan.explanation);
    run.say(plan.warnings.map((warning) => `warning: ${warning}`));
    let env = { ...options.stepEnv, ...options.env };

    await run.stage('install', async () => {
      if (!plan.install) return run.noteStage('nothing to install');
      const cache = createDependencyCache(options.dependencyCacheDir);
      const key = dependencyKey({ sourceRoot: options.filesDir, installDir: plan.installDir, lockfile: plan.lockfile, installDisplay: plan.install.display, nodeVersion: options.tools.nodeVersion });
      if (key && (await cache.restore(key, options.filesDir))) {
        run.say([`dependencies reused from an earlier install (same lockfile, install command and Node) → ${plan.install.display} skipped`]);
        return run.noteStage('dependencies reused');
      }
      assertEnoughMemory(options.minFreeMemoryMb, options.slot, 'install dependencies for');
      const result = await step(plan.install, path.join(options.filesDir, plan.installDir), options.timeouts.installMs, env);
      if (result.code !== 0) throw stepFailed('ERR_DEPLOY_INSTALL_FAILED', plan.install, result);
      if (key) await cache.save(key, options.filesDir, plan.installDir);
    });

    const convex = convexReason(path.join(options.filesDir, appDir), settings.convex);
    if (convex && options.convex) {
      const convexEnv = await run.stage('convex', async () => {
        run.say([`Convex app: ${convex} → starting the slot's Convex backend before the build`]);
        const auth = usesConvexAuth(path.join(options.filesDir, appDir));
        if (auth) run.say(['the app uses @convex-dev/auth → its keys (JWT_PRIVATE_KEY, JWKS) and SITE_URL are set in the backend where missing']);
        return options.convex!.prepare({ auth });
      });
      env = { ...env, ...convexEnv };
      run.say([`the build gets CONVEX_SELF_HOSTED_URL=${convexEnv.CONVEX_SELF_HOSTED_URL} and the public URL ${convexEnv.CONVEX_URL} (as VITE_CONVEX_URL, NEXT_PUBLIC_CONVEX_URL, CONVEX_URL, PUBLIC_CONVEX_URL)`]);
      await run.stage('functions', async () => {
        const deployed = await deployFunctions({ filesDir: options.filesDir, appDir, nodePath: options.tools.nodePath,
          nodeVersion: options.tools.nodeVersion,
          env,
          run: (command, cwd, stepEnv) => step(command, cwd, options.timeouts.buildMs, stepEnv),
          warn: (warnings) => run.warn(warnings),
        });
        if (!deployed) run.noteStage('no convex/ folder: nothing to deploy');
      });
    }

    await run.stage('build', async () => {
      if (!plan.build) return run.noteStage('no build step');
      assertEnoughMemory(options.minFreeMemoryMb, options.slot, 'build');
      const result = await step(plan.build, path.join(options.filesDir, appDir), options.timeouts.buildMs, env);
      if (result.code !== 0) throw stepFailed('ERR_DEPLOY_BUILD_FAILED', plan.build, result);
    });

    const detected = detectApp({ ...options.tools, sourceRoot: options.filesDir, appDir, settings, packageManager: plan.packageManager });
    run.say([detected.reason]);
    const source = options.source.type === 'path' ? options.source.path : `${settings.repo}#${settings.branch ?? 'main'}`;
    return { kind: detected.kind, filesDir: options.filesDir, appDir, staticDir: detected.staticDir, command: detected.command, source, commit, buildKey, settings };
  }
}

/** Same commit + same settings + same env + same Node = the same build. */
function buildKeyOf(sha: string, settings: SlotSettings, env: Record<string, string>, nodeVersion: string): string {
  const relevant = [settings.root ?? '', settings.installCommand ?? null, settings.buildCommand ?? null, settings.startCommand ?? null, settings.staticDir ?? null];
  const sortedEnv = Object.entries(env).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify([sha, relevant, sortedEnv, nodeVersion])).digest('hex').slice(0, 24);
}

function stepFailed(code: 'ERR_DEPLOY_INSTALL_FAILED' | 'ERR_DEPLOY_BUILD_FAILED' | 'ERR_DEPLOY_RELEASE_FAILED', command: StepCommand, result: { code: number | null; signal: NodeJS.Signals | null; tail: string[] }): BerthError {
  const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  return new BerthError(code, `\`${command.display}\` ${how}.${formatTail(result.tail)}`, { details: { command: command.display, exitCode: result.code, output: result.tail.slice(-10) } });
}
