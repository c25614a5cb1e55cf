import fp from 'fastify-plugin';
import type { RedisOptions } from 'ioredis';
import { createRedis, redisUnreachableMessage, waitUntilReady, type Redis } from '../redis.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's Redis client; its commands fail fast while Redis is away. */
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  url: string;
  /**
   * What a Redis that does not answer at start means: `refuse` (the service cannot do its job
   * without it: start fails with the message that names the fix) or `degrade` (start anyway
   * and warn; the service works without it, less well).
   */
  whenDownAtStart: 'refuse' | 'degrade';
  /** How long start waits for Redis; default 5 s. */
  connectWaitMs?: number;
  /** Extra ioredis options (e.g. a command timeout). */
  client?: RedisOptions;
}

/** At most one "Redis is down" line per this many ms: ioredis reports every failed reconnect. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** `app.redis`: one client per service, quit when the app closes. */
export const redis = fp<RedisPluginOptions>(
  async (app, options) => {
    const client = createRedis(options.url, options.client);
    let lastLogged = 0;
    client.on('error', (err: Error) => {
      if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return;
      lastLogged = Date.now();
      app.log.warn({ err: err.message }, redisUnreachableMessage(options.url));
    });
    app.decorate('redis', client);
    app.addHook('onClose', async () => {
      await client.quit().catch(() => client.disconnect());
    });
    try {
      await waitUntilReady(client, options.url, options.connectWaitMs);
    } catch (err) {
      if (options.whenDownAtStart === 'refuse') {
        client.disconnect();
        throw err;
      }
      app.log.warn(
        `${(err as Error).message} Starting anyway; working without it until it is back.`,
      );
    }
  },
  { name: 'rum-redis', fastify: '5.x' },
);
