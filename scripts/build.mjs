// Bundles the CLI and the daemon into dist/ (our code only; packages stay in node_modules) so they start without
// compiling TypeScript each time. Run by `npm install` (prepare); bin/berth.mjs falls back to tsx when dist is stale.
import { build } from 'esbuild';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/daemon/main.ts'],
  outbase: 'src',
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
