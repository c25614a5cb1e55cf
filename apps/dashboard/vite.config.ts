import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { loadConfig } from '@rum/server-kit';

/**
 * The dev server listens on `DASHBOARD_PORT` (config.dashboardPort). The config is loaded
 * only when serving: a production build needs no environment (nginx serves the static
 * files, see the Dockerfile). `--configLoader runner` (in the scripts) lets this file import
 * the shared workspace's TypeScript sources.
 */
export default defineConfig(({ command }) => {
  const server =
    command === 'serve' ? { port: loadConfig().dashboardPort, strictPort: true } : undefined;
  return {
    plugins: [react()],
    server,
    preview: server,
    // recharts and d3 are most of the bundle; one chunk is fine for a dashboard loaded once.
    // 'hidden': maps are written (for an error tracker) but not referenced; the image serves none.
    build: { outDir: 'dist', sourcemap: 'hidden', chunkSizeWarningLimit: 1000 },
  };
});
