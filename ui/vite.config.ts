// Builds the admin UI into dist/ui, which the daemon serves on the admin port. `npx vite ui` serves it with hot
// reload for UI work, sending /api (and the live socket) to a daemon on BERTH_ADMIN_URL (default localhost:9000).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const admin = process.env.BERTH_ADMIN_URL ?? 'http://127.0.0.1:9000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: '../dist/ui', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: { proxy: { '/api': { target: admin, ws: true, changeOrigin: false } } },
});
