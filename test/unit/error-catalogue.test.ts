import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { errorCatalogue } from '../../src/errors/codes.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const documented = [...fs.readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8').matchAll(/^## (ERR_[A-Z_]+)$/gm)].map((match) => match[1]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => path.join(dir, file));
}

test('every error code in the catalogue is documented in docs/errors.md, and nothing else is', () => {
  assert.deepEqual([...documented].sort(), Object.keys(errorCatalogue).sort());
});

test('every error code the source uses is in the catalogue, and every catalogued code is used', () => {
  const used = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    if (file.endsWith(path.join('errors', 'codes.ts'))) continue;
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/'(ERR_[A-Z_]+)'/g)) used.add(match[1]);
  }
  assert.deepEqual([...used].sort(), Object.keys(errorCatalogue).sort());
});

test('every catalogued error has a remedy that says what to do', () => {
  for (const [code, entry] of Object.entries(errorCatalogue)) assert.ok(entry.remedy.length > 20, code);
});
