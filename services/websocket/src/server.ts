import { createLogger, loadConfig } from '@rum/shared';
import { createLiveServer } from './app.ts';

const config = loadConfig();
const log = createLogger('websocket', config.logLevel);

let live: Awaited<ReturnType<typeof createLiveServer>>;
try {
  live = await createLiveServer({
    redisUrl: config.redisUrl,
    jwtSecret: config.jwtSecret,
    logger: log,
  });
} catch (err) {
  log.fatal((err as Error).message);
  process.exit(1);
}

live.httpServer.once('error', (err) => {
  log.fatal({ err }, `cannot listen on ${config.host}:${config.wsPort}`);
  process.exit(1);
});
live.httpServer.listen(config.wsPort, config.host, () => {
  log.info(`websocket listening on ws://${config.host}:${config.wsPort}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    live.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  });
}
