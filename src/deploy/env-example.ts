// An app's own list of the env it expects: `.env.example` (or `.env.local.example`, `.env.sample`) in its folder
// or the repository root. Only the names are read — example values are never copied anywhere — and the names the
// slot does not provide become warnings ("this app expects STRIPE_KEY (from .env.example), not set").
import fs from 'node:fs';
import path from 'node:path';

export const ENV_EXAMPLE_FILES = ['.env.example', '.env.local.example', '.env.sample'];
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;
/** Set for every app by berth itself. */
const ALWAYS_SET = ['PORT', 'NODE_ENV', 'BERTH_SLOT', 'BERTH_RELEASE'];

/** The names the example files list, each with the file it came from (the app folder's first, then the root's). */
export function expectedEnv(sourceRoot: string, appDir: string): Array<{ name: string; file: string }> {
  const folders = [...new Set([path.join(sourceRoot, appDir), sourceRoot])];
  const found = new Map<string, string>();
  for (const folder of folders) {
    for (const file of ENV_EXAMPLE_FILES) {
      let text: string;
      try {
        const full = path.join(folder, file);
        if (!fs.statSync(full).isFile() || fs.statSync(full).size > 256 * 1024) continue;
        text = fs.readFileSync(full, 'utf8');
      } catch {
        continue;
      }
      const shown = path.relative(sourceRoot, path.join(folder, file));
      for (const line of text.split(/\r?\n/)) {
        const match = ASSIGNMENT.exec(line);
        if (match && !found.has(match[1])) found.set(match[1], shown);
      }
    }
  }
  return [...found].map(([name, file]) => ({ name, file }));
}

/** One warning per expected name the app will not get. */
export function missingEnvWarnings(expected: Array<{ name: string; file: string }>, provided: Iterable<string>): string[] {
  const have = new Set([...provided, ...ALWAYS_SET]);
  return expected.filter(({ name }) => !have.has(name)).map(({ name, file }) => `this app expects ${name} (from ${file}), not set`);
}
