// One slot's log: the single writer of its files, rotation by rename and reopen, cursor reads and live followers.
import fs from 'node:fs';
import path from 'node:path';
import { CURRENT_FILE, lastSeqIn, listSegments, readSegmentLines, segmentName } from './log-files.js';
import type { LogLine, LogStream } from './log-line.js';

export interface SlotLogOptions {
  dir: string;
  maxFileBytes: number;
  /** Rotated segments kept besides the current file. */
  maxFiles: number;
  now?: () => number;
}

export interface ReadLogsOptions {
  /** Return lines with a seq above this cursor. */
  after?: number;
  /** Only the last N lines (of those matching). */
  tail?: number;
  release?: number;
  /** At most this many lines (from the cursor on). */
  limit?: number;
}

export interface ReadLogsResult {
  lines: LogLine[];
  /** Lines between the cursor and the oldest kept line that rotation removed; 0 when none. */
  missed: number;
  /** The cursor to resume from. */
  cursor: number;
}

export type LogListener = (lines: LogLine[]) => void;

export function openSlotLog(options: SlotLogOptions) {
  const now = options.now ?? Date.now;
  fs.mkdirSync(options.dir, { recursive: true });
  const currentPath = path.join(options.dir, CURRENT_FILE);
  let lastSeq = lastSeqIn(options.dir);
  let fd = fs.openSync(currentPath, 'a');
  let size = fs.fstatSync(fd).size;
  let currentFirstSeq = size > 0 ? (listSegments(options.dir).at(-1)?.firstSeq ?? lastSeq + 1) : lastSeq + 1;
  const listeners = new Set<LogListener>();
  let closed = false;

  function rotate(): void {
    fs.closeSync(fd);
    // Rename, then reopen: a reader holding the old file keeps reading it whole; nothing is copied or truncated.
    fs.renameSync(currentPath, path.join(options.dir, segmentName(currentFirstSeq)));
    fd = fs.openSync(currentPath, 'a');
    size = 0;
    currentFirstSeq = lastSeq + 1;
    const rotated = listSegments(options.dir).slice(0, -1);
    for (const old of rotated.slice(0, Math.max(0, rotated.length - options.maxFiles))) fs.rmSync(old.file, { force: true });
  }

  function append(release: number, stream: LogStream, texts: string[]): void {
    // A process's last output can arrive after berth closed its logs (its exit comes before its pipes drain); the fd
    // may then belong to another file, so nothing is written.
    if (closed || texts.length === 0) return;
    const time = now();
    const firstSeq = lastSeq + 1;
    // Formatted straight into one string (the on-disk form of log-line.ts): this runs for every line an app prints.
    const fields = `\t${time}\t${stream}\t${release}\t`;
    let data = '';
    for (const text of texts) data += `${++lastSeq}${fields}${text}\n`;
    // Written synchronously: once append returns, a reader of the files sees every line, so followers cannot miss any.
    size += fs.writeSync(fd, data);
    if (size >= options.maxFileBytes) rotate();
    if (listeners.size === 0) return;
    const lines: LogLine[] = texts.map((text, index) => ({ seq: firstSeq + index, time, stream, release, text }));
    for (const listener of listeners) listener(lines);
  }

  function read(readOptions: ReadLogsOptions = {}): ReadLogsResult {
    const after = readOptions.after ?? 0;
    const segments = listSegments(options.dir);
    const oldestSeq = segments.find((segment) => Number.isFinite(segment.firstSeq))?.firstSeq ?? lastSeq + 1;
    const missed = readOptions.after !== undefined && after + 1 < oldestSeq ? oldestSeq - after - 1 : 0;
    const matches = (line: LogLine) => line.seq > after && (readOptions.release === undefined || line.release === readOptions.release);

    let lines: LogLine[] = [];
    if (readOptions.tail !== undefined) {
      // Newest files first, stopping once enough lines are found.
      for (let index = segments.length - 1; index >= 0 && lines.length < readOptions.tail; index--) {
        lines = readSegmentLines(segments[index].file).filter(matches).concat(lines);
      }
      lines = lines.slice(-readOptions.tail);
    } else {
      const start = Math.max(0, segments.findLastIndex((segment) => segment.firstSeq <= after + 1));
      for (const segment of segments.slice(start)) {
        // concat, not push(...): a full segment holds more lines than a call may take as arguments.
        lines = lines.concat(readSegmentLines(segment.file).filter(matches));
        if (readOptions.limit !== undefined && lines.length >= readOptions.limit) break;
      }
      if (readOptions.limit !== undefined) lines = lines.slice(0, readOptions.limit);
    }
    const cursor = lines.length > 0 ? lines[lines.length - 1].seq : readOptions.tail !== undefined ? lastSeq : Math.max(after, Math.min(lastSeq, oldestSeq - 1));
    return { lines, missed, cursor };
  }

  return {
    append,
    read,
    get lastSeq() {
      return lastSeq;
    },
    /** Calls the listener with every line after the cursor: first those on disk, then live ones, with no gap. */
    follow(after: number, listener: LogListener): () => void {
      // Reading and appending both run synchronously on this thread, so nothing can be written between them.
      const backlog = read({ after });
      if (backlog.lines.length > 0) listener(backlog.lines);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      if (closed) return;
      closed = true;
      listeners.clear();
      fs.closeSync(fd);
    },
  };
}

export type SlotLog = ReturnType<typeof openSlotLog>;
