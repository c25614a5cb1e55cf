/** `npm start -w services/workers`: consume collect jobs; health and metrics on config.workersPort. */
import { runService } from '@rum/server-kit/http';
import { buildApp } from './app.ts';

await runService({
  name: 'workers',
  port: (config) => config.workersPort,
  build: (config, logger) => buildApp({ config, logger }),
});
