import { Redis, type RedisOptions } from 'ioredis';

export { Redis };

/** The one-paragraph message every process prints when Redis is not there. */
export function redisUnreachableMessage(url: string): string {
  return (
    `Redis is not reachable at ${url}. RUM keeps its queue, project keys, rate limits and cache in Redis. ` +
    `Start it (for example \`redis-server --daemonize yes\`, or \`docker compose up -d redis\`) ` +
    `or point REDIS_URL at a running server, then try again.`
  );
}

/**
 * A Redis client that fails commands fast while disconnected instead of queueing them
 * forever, so callers can answer 503 within a second, and reconnects on its own.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    ...options,
  });
}

/** Resolves when Redis answers PING within `timeoutMs`; rejects with {@link redisUnreachableMessage} otherwise. */
export async function assertRedisReachable(url: string, timeoutMs = 2000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch {
    throw new Error(redisUnreachableMessage(url));
  } finally {
    client.disconnect();
  }
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
