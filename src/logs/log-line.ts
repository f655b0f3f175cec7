// One captured log line and its on-disk form: "seq<TAB>time<TAB>stream<TAB>release<TAB>text" (written by slot-log.ts).
export type LogStream = 'out' | 'err' | 'sys';

export interface LogLine {
  /** Monotonic per slot: the cursor a reader resumes from. */
  seq: number;
  /** Milliseconds since the epoch. */
  time: number;
  stream: LogStream;
  /** Release number, or 0 for lines about the slot rather than one release. */
  release: number;
  text: string;
}

export function parseLine(raw: string): LogLine | null {
  const parts = raw.split('\t');
  if (parts.length < 5) return null;
  const seq = Number(parts[0]);
  if (!Number.isInteger(seq)) return null;
  return {
    seq,
    time: Number(parts[1]),
    stream: parts[2] as LogStream,
    release: Number(parts[3]),
    // The text may itself hold tabs.
    text: parts.slice(4).join('\t'),
  };
}
