// The records kept in the state database, as the rest of berth sees them.
export type DesiredState = 'running' | 'stopped';
export type ReleaseKind = 'node' | 'static';

export interface SlotRecord {
  name: string;
  env: Record<string, string>;
  desiredState: DesiredState;
  liveRelease: number | null;
}

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
  filesDir: string;
  command: StartCommand | null;
  env: Record<string, string>;
  source: string;
  note: string;
  createdAt: number;
}

export type DeploymentStatus = 'running' | 'succeeded' | 'failed' | 'abandoned';
export type DeploymentTrigger = 'cli' | 'env' | 'rollback' | 'restart' | 'start' | 'memory' | 'recover';

export interface DeploymentStage {
  name: string;
  startedAt: number;
  finishedAt?: number;
  ok?: boolean;
}

export interface DeploymentRecord {
  id: string;
  slot: string;
  trigger: DeploymentTrigger;
  status: DeploymentStatus;
  releaseSeq: number | null;
  error: { code: string; message: string; remedy: string } | null;
  stages: DeploymentStage[];
  createdAt: number;
  finishedAt: number | null;
}

export interface InstanceRecord {
  pid: number;
  slot: string;
  releaseSeq: number;
  port: number | null;
  startTicks: number;
  startedAt: number;
}

export interface EventRecord {
  id: number;
  slot: string | null;
  type: string;
  message: string;
  data: Record<string, unknown> | null;
  at: number;
}
