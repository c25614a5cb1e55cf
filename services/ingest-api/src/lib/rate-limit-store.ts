import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from '@rum/server-kit';
import { notQueued } from './not-queued.ts';
import { MicroBatcher, withTimeout } from '@rum/server-kit';

/**
 * Fixed windows, as @fastify/rate-limit's own RedisStore, for many counters at once:
 * KEYS are the counters, ARGV holds (hits, window ms) per key. The first hit of a window
 * sets its expiry. Returns (count after the hits, ms left) per key.
 */
const FIXED_WINDOWS_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local hits = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local total = redis.call('INCRBY', key, hits)
  local ttl = redis.call('PTTL', key)
  if total == hits or ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  out[2 * i - 1] = total
  out[2 * i] = ttl
end
return out`;

type WithCommand = Redis & {
  rumRateLimitWindows(...args: Array<string | number>): Promise<number[]>;
};

interface Hit {
  key: string;
  windowMs: number;
}
interface Count {
  current: number;
  ttl: number;
}

export interface BatchedStoreOptions {
  redis: Redis;
  /** Prefix of the counters' Redis keys. */
  namespace: string;
  /** Longest the Redis call may take; then every hit of the batch fails with a 503. */
  timeoutMs: number;
}

export interface BatchedStore {
  /** The store class to pass to @fastify/rate-limit as `store`. */
  Store: FastifyRateLimitStoreCtor;
  /** Counts the hits still waiting, then refuses more (call on close). */
  close(): Promise<void>;
}

/**
 * A Redis store for @fastify/rate-limit that counts the hits of one event-loop turn with one
 * script call (INCRBY per project) instead of one round trip per request; each request gets
 * its own position in the window, so the limit is exact. Its failures are 503s: the plugin's
 * own RedisStore has no timeout and its errors would reach clients as anonymous 500s.
 */
export function batchedRedisStore({
  redis,
  namespace,
  timeoutMs,
}: BatchedStoreOptions): BatchedStore {
  const client = redis as WithCommand;
  if (typeof client.rumRateLimitWindows !== 'function') {
    redis.defineCommand('rumRateLimitWindows', { lua: FIXED_WINDOWS_LUA });
  }

  const batcher = new MicroBatcher<Hit, Count>({
    maxItems: 1000,
    maxWaitMs: 0,
    flush: async (hits) => {
      const groups = new Map<string, { windowMs: number; hits: number }>();
      for (const hit of hits) {
        const group = groups.get(hit.key);
        if (group) group.hits += 1;
        else groups.set(hit.key, { windowMs: hit.windowMs, hits: 1 });
      }
      const keys = [...groups.keys()];
      const args: Array<string | number> = [keys.length, ...keys.map((k) => namespace + k)];
      for (const group of groups.values()) args.push(group.hits, group.windowMs);
      let reply: number[];
      try {
        reply = await withTimeout(client.rumRateLimitWindows(...args), timeoutMs, 'rate limit');
      } catch (err) {
        throw notQueued(err);
      }
      // Hand out positions first..total within each key, in arrival order.
      const next = new Map<string, Count>();
      keys.forEach((key, i) => {
        const total = reply[2 * i]!;
        next.set(key, { current: total - groups.get(key)!.hits + 1, ttl: reply[2 * i + 1]! });
      });
      return hits.map((hit) => {
        const position = next.get(hit.key)!;
        const result = { ...position };
        position.current += 1;
        return result;
      });
    },
  });

  class BatchedRedisStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow?: number,
    ): void {
      batcher.add({ key, windowMs: timeWindow ?? 60_000 }).then(
        (count) => callback(null, count),
        (err: Error) => callback(err),
      );
    }

    // One counter per project whatever the route: the limit is the project's, not the route's.
    child(): FastifyRateLimitStore {
      return this;
    }
  }

  return { Store: BatchedRedisStore, close: () => batcher.close() };
}
