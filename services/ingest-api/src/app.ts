import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { COLLECT_QUEUE, MAX_BODY_BYTES } from '@rum/contract';
import { createLogger, withTimeout, type Config, type Logger } from '@rum/server-kit';
import { createServiceApp, health, redis } from '@rum/server-kit/http';
import { REDIS_TIMEOUT_MS } from './lib/not-queued.ts';
import securityHeaders from './plugins/security-headers.ts';
import queuePlugin, { DEFAULT_BATCH, type BatchOptions } from './plugins/queue.ts';
import projectKeysPlugin, { type ProjectKeysOptions } from './plugins/project-keys.ts';
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
 * encapsulated, so its decorators (redis, collectQueue, …) are the host instance's.
 */
export const ingestApp = fp<AppOptions>(
  async (app, options) => {
    const { config } = options;
    const redisUrl = options.redisUrl ?? config.redisUrl;

    // Beacons are sent cross-origin with no-cors (sendBeacon): the answer must not be blocked by CORP.
    await app.register(securityHeaders, { crossOriginResourcePolicy: { policy: 'cross-origin' } });
    // Without Redis no beacon can be checked or queued: refuse to start, naming the fix.
    await app.register(redis, { url: redisUrl, whenDownAtStart: 'refuse' });
    await app.register(queuePlugin, {
      url: redisUrl,
      name: options.queueName ?? COLLECT_QUEUE,
      batch: { ...DEFAULT_BATCH, ...options.batch },
    });
    await app.register(projectKeysPlugin, options.projectKeys ?? {});
    await app.register(health, {
      checks: {
        // Both connections a beacon needs: keys and rate limits, and the queue's.
        redis: { check: () => withTimeout(app.redis.ping(), REDIS_TIMEOUT_MS, 'PING') },
        queue: {
          check: () => withTimeout(app.collectQueue.queue.client.ping(), REDIS_TIMEOUT_MS, 'PING'),
        },
      },
    });
    await app.register(collectRoutes, { prefix: '/v1', countryHeader: config.countryHeader });
  },
  { name: 'rum-ingest-api', dependencies: ['rum-errors', 'rum-metrics'] },
);

/** The ingest API as a Fastify instance, not yet listening. */
export function buildApp(options: AppOptions & { logger?: Logger }): FastifyInstance {
  const logger = options.logger ?? createLogger('ingest-api', options.config.logLevel);
  const app = createServiceApp({ logger, fastify: { bodyLimit: MAX_BODY_BYTES } });
  void app.register(ingestApp, options);
  return app;
}
