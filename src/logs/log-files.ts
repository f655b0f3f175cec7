// The files of one slot's log: "current.log" being written, and rotated segments named by their first line's seq.
import fs from 'node:fs';
import path from 'node:path';
import { parseLine, type LogLine } from './log-line.js';

export const CURRENT_FILE = 'current.log';

export interface LogSegment {
  file: string;
  /** Seq of the segment's first line; Infinity for an empty current file. */
  firstSeq: number;
}

export function segmentName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(15, '0')}.log`;
}

/** The rotated segments (oldest first) followed by the current file. */
export function listSegments(dir: string): LogSegment[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const segments = names
    .map((name) => /^segment-(\d+)\.log$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ file: path.join(dir, match[0]), firstSeq: Number(match[1]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
  const current = path.join(dir, CURRENT_FILE);
  if (fs.existsSync(current)) segments.push({ file: current, firstSeq: firstSeqOf(current) });
  return segments;
}

export function readSegmentLines(file: string): LogLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw ? parseLine(raw) : null;
    if (line) lines.push(line);
  }
  return lines;
}

function firstSeqOf(file: string): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const match = /^(\d+)\t/.exec(buffer.toString('utf8', 0, read));
    return match ? Number(match[1]) : Infinity;
  } finally {
    fs.closeSync(fd);
  }
}

/** The highest seq written so far, read from the end of the newest non-empty file; 0 when there is none. */
export function lastSeqIn(dir: string): number {
  const segments = listSegments(dir).reverse();
  for (const segment of segments) {
    const lines = readTail(segment.file, 64 * 1024);
    for (let index = lines.length - 1; index >= 0; index--) {
      const line = parseLine(lines[index]);
      if (line) return line.seq;
    }
  }
  return 0;
}

function readTail(file: string, bytes: number): string[] {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    fs.readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n').filter(Boolean);
    // The first line may be cut in the middle when we did not start at the beginning.
    return start > 0 ? lines.slice(1) : lines;
  } finally {
    fs.closeSync(fd);
  }
}
