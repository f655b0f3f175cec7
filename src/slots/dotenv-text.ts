// Reads the text of a .env file as pasted by a user: KEY=VALUE lines, `export` prefixes, # comments, single quotes
// (literal), double quotes (with \n escapes, may span lines). A line that is none of these is reported, not skipped.
import { BerthError } from '../errors/berth-error.js';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

export function parseDotenv(text: string): Record<string, string> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const result: Record<string, string> = {};
  const problems: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      problems.push(`line ${index + 1}: "${line.slice(0, 40)}" is not KEY=VALUE`);
      continue;
    }
    const [, key, rest] = match;
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let body = rest.slice(1);
      const start = index;
      while (closingIndex(body, quote) < 0 && index + 1 < lines.length) body += `\n${lines[++index]}`;
      const end = closingIndex(body, quote);
      if (end < 0) {
        problems.push(`line ${start + 1}: the ${quote === '"' ? 'double' : 'single'} quote of ${key} is never closed`);
        continue;
      }
      if (!/^\s*(#.*)?$/.test(body.slice(end + 1))) {
        problems.push(`line ${index + 1}: text after the closing quote of ${key}`);
        continue;
      }
      const value = body.slice(0, end);
      result[key] = quote === '"' ? value.replace(/\\(.)/g, (_match, char: string) => (char === 'n' ? '\n' : char)) : value;
    } else {
      result[key] = rest.replace(/\s+#.*$/, '').trim();
    }
  }
  if (problems.length > 0) {
    throw new BerthError('ERR_ENV_INVALID', `The .env text has ${problems.length} line(s) berth cannot read: ${problems.join('; ')}. Nothing was changed.`, { details: { problems } });
  }
  return result;
}

/** Where the value's closing quote is (a backslash escapes a double quote), or -1. */
function closingIndex(body: string, quote: string): number {
  for (let index = 0; index < body.length; index++) {
    if (quote === '"' && body[index] === '\\') index++;
    else if (body[index] === quote) return index;
  }
  return -1;
}
