// The log of one deployment: stage notes and build output, one line each, in a file that outlives the daemon, with
// live followers while it runs. A line's number is its cursor: a reader resumes after the last number it saw.
import fs from 'node:fs';
import path from 'node:path';

export interface DeployLogLine {
  n: number;
  time: number;
  text: string;
}

interface Follower {
  onLines(lines: DeployLogLine[]): void;
  /** The deployment ended: no more lines will come. */
  onEnd(): void;
}

/** Lines longer than this are cut, so one minified bundle printed by a build cannot bloat the log. */
const MAX_LINE_CHARS = 4000;

/** Masks secrets in every line; learns the ones that turn up while the deployment runs. */
export interface LogRedactor {
  redact(text: string): string;
  learn(secret: string): void;
}

export function createDeployLog(file: string, redactor: LogRedactor, now: () => number = Date.now) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let count = 0;
  const followers = new Set<Follower>();
  const fd = fs.openSync(file, 'a', 0o600);
  let closed = false;

  return {
    file,
    /** Masks a secret learnt while the deployment runs (a token fetched for it), from now on. */
    addSecret(secret: string): void {
      redactor.learn(secret);
    },
    append(texts: string[]): void {
      if (closed || texts.length === 0) return;
      const time = now();
      const lines = texts.map((text) => ({ n: ++count, time, text: redactor.redact(text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)} …[cut]` : text) }));
      // Written synchronously: a reader that reads the file and then subscribes (in one tick) misses nothing.
      fs.writeSync(fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      for (const follower of followers) follower.onLines(lines);
    },
    subscribe(follower: Follower): () => void {
      followers.add(follower);
      return () => followers.delete(follower);
    },
    close(): void {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
      for (const follower of followers) follower.onEnd();
      followers.clear();
    },
  };
}

export type DeployLog = ReturnType<typeof createDeployLog>;

/** Reads a deployment log file from after cursor `after` (a line number); a missing file reads as empty. */
export function readDeployLog(file: string, after = 0, limit = 10_000): DeployLogLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines: DeployLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    try {
      const line = JSON.parse(raw) as DeployLogLine;
      if (line.n > after) lines.push(line);
    } catch {
      // A line cut by a crash mid-write: skip it.
    }
    if (lines.length >= limit) break;
  }
  return lines;
}
