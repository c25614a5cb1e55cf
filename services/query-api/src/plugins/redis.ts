import fp from 'fastify-plugin';
import { createRedis, redisUnreachableMessage, type Redis } from '@rum/shared';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  redisUrl: string;
  /** How long start-up waits for a first connection before going on without cache. */
  connectWaitMs?: number;
}

/** Longest a cache or rate-limit command may take before it counts as a Redis failure. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** At most one "Redis is down" warning per this many ms. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The Redis client behind the cache and the rate limiter, as `app.redis`. Commands fail fast
 * while Redis is away (they do not queue), so both degrade instead of hanging; the client
 * reconnects on its own. Redis being down at start is a warning, not a failure: the API
 * then answers uncached.
 */
export default fp<RedisPluginOptions>(
  async (app, opts) => {
    const redis = createRedis(opts.redisUrl, { commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
    let lastLogged = 0;
    redis.on('error', (err: Error) => {
      if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return;
      lastLogged = Date.now();
      app.log.warn({ err: err.message }, redisUnreachableMessage(opts.redisUrl));
    });
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
    const ready = new Promise<boolean>((resolve) => {
      redis.once('ready', () => resolve(true));
      setTimeout(resolve, opts.connectWaitMs ?? 2000, false).unref();
    });
    if (!(await ready)) {
      app.log.warn(
        `${redisUnreachableMessage(opts.redisUrl)} Serving uncached answers until it is back.`,
      );
    }
  },
  { name: 'redis', fastify: '5.x' },
);
