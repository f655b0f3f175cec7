// The records kept in the state database, as the rest of berth sees them.
export type DesiredState = 'running' | 'stopped';
export type ReleaseKind = 'node' | 'static';

export interface SlotRecord {
  name: string;
  env: Record<string, string>;
  desiredState: DesiredState;
  liveRelease: number | null;
  settings: SlotSettings;
  /** Env keys the owner marked secret (keys that look secret are secret without marking). */
  secretKeys: string[];
}

/** How a slot gets its app: the git source and the owner's overrides of what detection would choose. */
export interface SlotSettings {
  repo?: string | null;
  branch?: string | null;
  /** Subfolder of the repository that holds the app (a monorepo package); '' for the root. */
  root?: string | null;
  /** Overrides; null (or absent) means "detect". An empty install/build command means "skip that step". */
  installCommand?: string | null;
  buildCommand?: string | null;
  startCommand?: string | null;
  staticDir?: string | null;
  healthPath?: string | null;
  /** Runs after the build, with the database env, before the switch (migrations); a failure fails the deploy. */
  releaseCommand?: string | null;
  /** Deploy on a webhook push (used by the webhook endpoint). */
  autoDeploy?: boolean;
  /** Run the app's Convex backend: true or false forces it; absent detects it (convex.json, convex/, a convex dependency). */
  convex?: boolean | null;
  /** Where the slot's Convex backend keeps its data: a SQLite file in the slot's folder, or a database on berth's Postgres. */
  convexStorage?: ConvexStorageKind | null;
  /** Where it keeps files (uploads, exports, modules): the slot's folder, or S3 (from the slot env named AWS_… and S3_…). */
  convexFiles?: ConvexFilesKind | null;
  /** An already-running Convex backend for this slot (its URL); berth then starts none. Its admin key is the slot secret CONVEX_SELF_HOSTED_ADMIN_KEY. */
  convexUrl?: string | null;
  /** The slot's subdomain slug in a Coder workspace (default: the slot's name). */
  slug?: string | null;
  /** Also deploy pushed tags of the repository (off: only the branch). */
  deployTags?: boolean;
  /** Static sites: serve index.html for unknown paths (null: only when the site has no 404.html). */
  spaFallback?: boolean | null;
  /** Restart the app when its tree uses more MiB than this (null: the slot's limit in the config). */
  memoryLimitMb?: number | null;
}

export type ConvexStorageKind = 'sqlite' | 'postgres';
export type ConvexFilesKind = 'local' | 's3';

export interface CommitInfo {
  sha: string;
  subject: string;
  branch: string | null;
  repo: string | null;
}

/** What a deployment was asked to deploy. */
export type DeploySource = { type: 'git'; commit?: string | null } | { type: 'path'; path: string };

export interface StartCommand {
  command: string;
  args: string[];
  /** Human form, for logs and status ("npm start"). */
  display: string;
}

export interface ReleaseRecord {
  slot: string;
  seq: number;
  kind: ReleaseKind;
  /** The whole built source tree (immutable once released). */
  filesDir: string;
  /** Where the app runs, relative to filesDir ('' or a monorepo subfolder). */
  appDir: string;
  /** For a static site: the folder served, relative to appDir. */
  staticDir: string | null;
  command: StartCommand | null;
  env: Record<string, string>;
  source: string;
  note: string;
  commit: CommitInfo | null;
  /** Same key = same source, settings, env and Node: the build can be reused instead of repeated. */
  buildKey: string | null;
  settings: SlotSettings | null;
  createdAt: number;
}

export type DeploymentStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'superseded' | 'abandoned';
export type DeploymentTrigger = 'ui' | 'cli' | 'api' | 'webhook' | 'env' | 'rollback' | 'restart' | 'start' | 'memory' | 'recover';

export interface DeploymentStage {
  name: string;
  startedAt: number;
  finishedAt?: number;
  ok?: boolean;
  /** A short note shown with the stage ("skipped: same commit", "dependencies reused"). */
  note?: string;
}

export interface DeploymentRecord {
  id: string;
  slot: string;
  trigger: DeploymentTrigger;
  /** Who asked for it: "ui", "cli", "token:<name>", "webhook", or null for berth itself (restarts, recovery). */
  actor: string | null;
  status: DeploymentStatus;
  releaseSeq: number | null;
  error: { code: string; message: string; remedy: string } | null;
  stages: DeploymentStage[];
  /** What the owner should know although the deployment went on (env the app expects but does not get). */
  warnings: string[];
  source: DeploySource | null;
  commit: CommitInfo | null;
  /** The deployment's full log (build output and stage notes); null for deployments that build nothing. */
  logFile: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface InstanceRecord {
  pid: number;
  slot: string;
  releaseSeq: number;
  port: number | null;
  startTicks: number;
  startedAt: number;
  /** 'app' for a supervised app, 'build' for a deploy step (git, install, build) still running. */
  role?: 'app' | 'build';
}

export interface EventRecord {
  id: number;
  slot: string | null;
  type: string;
  message: string;
  data: Record<string, unknown> | null;
  actor: string | null;
  at: number;
}
