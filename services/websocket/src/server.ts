/** `npm start -w services/websocket`: the live socket.io server on config.host:config.wsPort. */
import { runService } from '@rum/server-kit/http';
import { buildApp } from './app.ts';

await runService({
  name: 'websocket',
  port: (config) => config.wsPort,
  build: (config, logger) => buildApp({ config, logger }),
});
