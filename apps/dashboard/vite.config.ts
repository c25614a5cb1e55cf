import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The dev server listens on `DASHBOARD_PORT` (config.dashboardPort). The config is loaded
 * only when serving: a production build needs no environment, the static files are served
 * by nginx (see Dockerfile).
 */
export default defineConfig(async ({ command }) => {
  const server =
    command === 'serve'
      ? await import('@rum/shared').then(({ loadConfig }) => {
          const config = loadConfig();
          return { port: config.dashboardPort, strictPort: true };
        })
      : undefined;
  return {
    plugins: [react()],
    server,
    preview: server,
    // recharts and d3 are most of the bundle; one chunk is fine for a dashboard loaded once.
    build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1000 },
  };
});
