// Splits a byte stream into text lines, keeping partial lines (and split UTF-8 characters) between chunks and
// cutting over-long ones. Each chunk is decoded once and split as a string: the cheapest way per line in V8.
import { StringDecoder } from 'node:string_decoder';

export interface LineSplitter {
  push(chunk: Buffer): string[];
  /** The unterminated rest, as a last line (at process exit). */
  flush(): string[];
}

export function createLineSplitter(maxLineBytes: number): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let rest = '';

  function capped(line: string): string {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    // A character is at most 4 bytes: only lines that could be too long are measured.
    if (text.length * 4 <= maxLineBytes || Buffer.byteLength(text) <= maxLineBytes) return text;
    return `${Buffer.from(text).subarray(0, maxLineBytes).toString()} …[line cut at ${maxLineBytes} bytes]`;
  }

  return {
    push(chunk) {
      const parts = (rest + decoder.write(chunk)).split('\n');
      rest = parts.pop()!;
      const lines = parts.map(capped);
      if (rest.length > maxLineBytes) {
        // A line longer than the cap with no end yet: emit what we have rather than grow without bound.
        lines.push(capped(rest));
        rest = '';
      }
      return lines;
    },
    flush() {
      const last = rest + decoder.end();
      rest = '';
      return last ? [capped(last)] : [];
    },
  };
}
