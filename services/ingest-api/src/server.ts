/** `npm start -w services/ingest-api`: the ingest API on config.host:config.ingestPort. */
import { runService } from '@rum/server-kit/http';
import { buildApp } from './app.ts';

await runService({
  name: 'ingest-api',
  port: (config) => config.ingestPort,
  build: (config, logger) => buildApp({ config, logger }),
});
