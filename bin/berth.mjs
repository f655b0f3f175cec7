#!/usr/bin/env node
// The berth command: runs the bundled CLI from dist/ when it is up to date with src/, else the TypeScript through tsx.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'cli', 'main.mjs');

function newestSourceTime() {
  let newest = 0;
  for (const file of fs.readdirSync(path.join(root, 'src'), { recursive: true })) {
    newest = Math.max(newest, fs.statSync(path.join(root, 'src', file)).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return fs.statSync(bundle).mtimeMs >= newestSourceTime();
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
