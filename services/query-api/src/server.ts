/** `npm start -w services/query-api`: the query API on config.host:config.queryPort. */
import { runService } from '@rum/server-kit/http';
import { buildApp } from './app.ts';

await runService({
  name: 'query-api',
  port: (config) => config.queryPort,
  build: (config, logger) => buildApp({ config, logger }),
});
