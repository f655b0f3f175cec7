// A real browser for UI tests: Debian's Chromium driven by playwright-core, and the admin UI built from the current
// source by Vite into a temporary folder (so a test never runs against a stale dist/ui).
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { makeTempDir } from './temp.js';

const root = path.resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function buildUi(): Promise<string> {
  const outDir = makeTempDir('berth-ui-');
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'ui', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}
