// Splits a byte stream into text lines, keeping partial lines between chunks and cutting over-long ones.
export interface LineSplitter {
  push(chunk: Buffer): string[];
  /** The unterminated rest, as a last line (at process exit). */
  flush(): string[];
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

export function createLineSplitter(maxLineBytes: number): LineSplitter {
  let rest: Buffer | null = null;

  function decode(buffer: Buffer, start: number, end: number): string {
    const stop = end > start && buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    return buffer.toString('utf8', start, stop);
  }

  return {
    push(chunk) {
      const buffer: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = null;
      const lines: string[] = [];
      let start = 0;
      for (let index = buffer.indexOf(NEWLINE, start); index !== -1; index = buffer.indexOf(NEWLINE, start)) {
        if (index - start > maxLineBytes) lines.push(`${decode(buffer, start, start + maxLineBytes)} …[line cut at ${maxLineBytes} bytes]`);
        else lines.push(decode(buffer, start, index));
        start = index + 1;
      }
      if (start < buffer.length) {
        if (buffer.length - start > maxLineBytes) {
          // A line longer than the cap with no end yet: emit what we have rather than grow without bound.
          lines.push(`${decode(buffer, start, start + maxLineBytes)} …[line cut at ${maxLineBytes} bytes]`);
        } else {
          rest = Buffer.from(buffer.subarray(start));
        }
      }
      return lines;
    },
    flush() {
      if (!rest) return [];
      const line = decode(rest, 0, rest.length);
      rest = null;
      return [line];
    },
  };
}
