// Counts how many distinct numbered lines ("<tag> line N") of one printer were captured in a folder of log files.
import fs from 'node:fs';
import path from 'node:path';

export function countCapturedLines(folder: string, tag: string, onlyFile?: string): number {
  const seen = new Set<number>();
  const pattern = new RegExp(`${tag} line (\\d+)$`);
  for (const file of fs.readdirSync(folder)) {
    if (onlyFile ? file !== onlyFile : !file.endsWith('.log')) continue;
    for (const line of fs.readFileSync(path.join(folder, file), 'utf8').split('\n')) {
      const match = pattern.exec(line);
      if (match) seen.add(Number(match[1]));
    }
  }
  return seen.size;
}
