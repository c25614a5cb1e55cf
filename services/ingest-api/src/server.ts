import { assertRedisReachable, createLogger, loadConfig } from '@rum/shared';
import { buildApp } from './app.ts';

/** Longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

const config = loadConfig();
const logger = createLogger('ingest-api', config.logLevel);

try {
  await assertRedisReachable(config.redisUrl);
} catch (err) {
  logger.fatal((err as Error).message);
  process.exit(1);
}

const app = buildApp({ config, logger });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down: finishing in-flight beacons');
    setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ host: config.host, port: config.ingestPort });
} catch (err) {
  app.log.fatal({ err }, 'ingest-api could not start');
  process.exit(1);
}
