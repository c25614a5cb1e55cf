import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { COLLECT_QUEUE, MAX_BODY_BYTES, createLogger, type Config, type Logger } from '@rum/shared';
import { errorHandler, notFoundHandler } from './errors.ts';
import metricsPlugin from './plugins/metrics.ts';
import securityHeaders from './plugins/security-headers.ts';
import redisPlugin from './plugins/redis.ts';
import queuePlugin, { DEFAULT_BATCH, type BatchOptions } from './plugins/queue.ts';
import projectKeysPlugin, { type ProjectKeysOptions } from './plugins/project-keys.ts';
import healthRoutes from './routes/health.ts';
import metricsRoutes from './routes/metrics.ts';
import collectRoutes from './routes/collect.ts';

export interface AppOptions {
  config: Config;
  /** Defaults to `config.redisUrl`. */
  redisUrl?: string;
  /** Defaults to {@link COLLECT_QUEUE}; tests use a unique name each. */
  queueName?: string;
  batch?: Partial<BatchOptions>;
  projectKeys?: Partial<ProjectKeysOptions>;
}

/**
 * The whole ingest API as one plugin: resources first, then routes. It never listens. Not
 * encapsulated, so its decorators (redis, collectQueue, metrics...) are the host instance's.
 */
export const ingestApp = fp<AppOptions>(
  async (app, options) => {
    const { config } = options;
    const redisUrl = options.redisUrl ?? config.redisUrl;

    app.setErrorHandler(errorHandler);
    app.setNotFoundHandler(notFoundHandler);
    // Beacons are sent cross-origin with no-cors (sendBeacon): the answer must not be blocked by CORP.
    await app.register(securityHeaders, { crossOriginResourcePolicy: { policy: 'cross-origin' } });

    await app.register(metricsPlugin);
    await app.register(redisPlugin, { url: redisUrl });
    await app.register(queuePlugin, {
      url: redisUrl,
      name: options.queueName ?? COLLECT_QUEUE,
      batch: { ...DEFAULT_BATCH, ...options.batch },
    });
    await app.register(projectKeysPlugin, options.projectKeys ?? {});

    await app.register(healthRoutes);
    await app.register(metricsRoutes);
    await app.register(collectRoutes, { prefix: '/v1', countryHeader: config.countryHeader });
  },
  { name: 'rum-ingest-api' },
);

/**
 * A Fastify instance running {@link ingestApp}, not yet listening. Per-request logs are off:
 * at thousands of beacons a second they would cost more than the work, and /metrics counts
 * every answer; rejections are logged at debug, failures at error.
 */
export function buildApp(options: AppOptions & { logger?: Logger }): FastifyInstance {
  const loggerInstance: FastifyBaseLogger =
    options.logger ?? createLogger('ingest-api', options.config.logLevel);
  const app = Fastify({
    loggerInstance,
    bodyLimit: MAX_BODY_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
  });
  void app.register(ingestApp, options);
  return app;
}
