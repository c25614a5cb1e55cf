import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from '@rum/shared';
import { unavailable } from '../errors.ts';
import { withTimeout } from './with-timeout.ts';

// Fixed window, as @fastify/rate-limit's own RedisStore: the first hit of a window sets its expiry.
const FIXED_WINDOW_LUA = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`;

type WithRateLimitCommand = Redis & {
  rumRateLimit(key: string, windowMs: number): Promise<[number, number]>;
};

/**
 * A Redis store for @fastify/rate-limit whose failures are 503s. The plugin's own RedisStore
 * has no timeout (a stalled Redis would hang the request) and its errors reach the error
 * handler as anonymous 500s; this one gives up after `timeoutMs` with the same 503 as a
 * failed queue add, so "Redis is down" always reads the same to clients.
 */
export function redisRateLimitStore(redis: Redis, namespace: string, timeoutMs: number): FastifyRateLimitStoreCtor {
  const client = redis as WithRateLimitCommand;
  if (typeof client.rumRateLimit !== 'function') {
    redis.defineCommand('rumRateLimit', { numberOfKeys: 1, lua: FIXED_WINDOW_LUA });
  }
  return class RedisRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number): void {
      withTimeout(client.rumRateLimit(namespace + key, timeWindow ?? 60_000), timeoutMs, 'rate limit').then(
        ([current, ttl]) => callback(null, { current, ttl }),
        (err: unknown) => callback(unavailable(err)),
      );
    }

    // One counter per project whatever the route: the limit is the project's, not the route's.
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
