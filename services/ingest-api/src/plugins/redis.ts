import fp from 'fastify-plugin';
import { createRedis, redisUnreachableMessage, type Redis } from '@rum/shared';

declare module 'fastify' {
  interface FastifyInstance {
    /** Fail-fast Redis client for project keys, rate limits and health checks. */
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  url: string;
}

/** How long start-up waits for Redis before giving up with the message that names the fix. */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;

/** Resolves once `client` is ready; rejects with {@link redisUnreachableMessage} after `timeoutMs`. */
export function waitUntilReady(
  client: Redis,
  url: string,
  timeoutMs = REDIS_CONNECT_TIMEOUT_MS,
): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(redisUnreachableMessage(url)));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

export default fp<RedisPluginOptions>(
  async (app, { url }) => {
    const redis = createRedis(url);
    // ioredis reports every failed reconnect; one line each is enough (it retries at most once a second).
    redis.on('error', (err: Error) => app.log.warn({ err: err.message }, 'redis error'));
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    try {
      await waitUntilReady(redis, url);
    } catch (err) {
      redis.disconnect();
      throw err;
    }
  },
  { name: 'rum-redis' },
);
