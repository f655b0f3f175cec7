// Bundles the CLI and the daemon into dist/ so they start without compiling TypeScript each time. Run by
// `npm install` (prepare); bin/berth.mjs falls back to tsx when dist is older than src.
// Dependencies are bundled too: one script loads faster and holds less memory than hundreds of modules
// (about 8 MiB less for the daemon). Native or worker-based packages stay in node_modules.
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
  external: ['better-sqlite3', 'pino', 'tsx', 'tsx/*'],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS packages inside an ES module bundle still call require().
  banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The admin UI: a React app built by Vite into dist/ui, served by the daemon.
const { build: buildUi } = await import('vite');
await buildUi({ configFile: path.join(root, 'ui', 'vite.config.ts'), logLevel: 'warn' });
