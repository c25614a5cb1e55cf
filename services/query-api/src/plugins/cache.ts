import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import type { FastifyReply } from 'fastify';

/** Seconds an answer stays cached, per operation (session data and raw rows are not cached). */
export const CACHE_TTL_SECONDS = {
  summary: 60,
  timeseries: 60,
  pages: 120,
  'slow-pages': 120,
  breakdown: 120,
  histogram: 120,
  errors: 120,
  attribution: 120,
  phases: 120,
  assessment: 300,
  releases: 120,
  'crux-record': 60,
  'crux-history': 300,
} as const;

export type CachedOperation = keyof typeof CACHE_TTL_SECONDS;

export interface QueryCache {
  /**
   * Sends the cached answer under `key` if there is one (`x-cache: hit`); otherwise computes
   * it, sends it and stores the serialised body for the operation's TTL (`x-cache: miss`).
   * Redis failures are counted and logged, never surfaced: the answer is then computed.
   */
  respond<T>(
    reply: FastifyReply,
    operation: CachedOperation,
    key: string,
    compute: () => Promise<T>,
  ): Promise<FastifyReply>;
}

declare module 'fastify' {
  interface FastifyInstance {
    cache: QueryCache;
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The Redis answer cache, as `app.cache`; hits and misses are counted on /metrics. */
export default fp(
  async (app) => {
    const { redis } = app;
    const metrics = {
      cacheHits: new Counter({
        name: 'rum_query_cache_hits_total',
        help: 'Answers served from the Redis cache, by operation.',
        labelNames: ['operation'],
        registers: [app.metrics],
      }),
      cacheMisses: new Counter({
        name: 'rum_query_cache_misses_total',
        help: 'Answers computed from the database because the cache had none (or Redis failed), by operation.',
        labelNames: ['operation'],
        registers: [app.metrics],
      }),
      cacheErrors: new Counter({
        name: 'rum_query_cache_errors_total',
        help: 'Cache reads or writes that failed because Redis did not answer.',
        labelNames: ['command'],
        registers: [app.metrics],
      }),
    };

    const read = async (key: string): Promise<string | null> => {
      try {
        return await redis.get(key);
      } catch (err) {
        metrics.cacheErrors.inc({ command: 'get' });
        app.log.debug({ err }, 'cache read failed');
        return null;
      }
    };

    const write = (key: string, body: string, ttl: number): void => {
      redis.set(key, body, 'EX', ttl).catch((err: unknown) => {
        metrics.cacheErrors.inc({ command: 'set' });
        app.log.debug({ err }, 'cache write failed');
      });
    };

    const cache: QueryCache = {
      async respond(reply, operation, key, compute) {
        const cached = await read(key);
        if (cached !== null) {
          metrics.cacheHits.inc({ operation });
          return reply.header('x-cache', 'hit').type(JSON_TYPE).send(cached);
        }
        metrics.cacheMisses.inc({ operation });
        const body = String(reply.serialize(await compute()));
        write(key, body, CACHE_TTL_SECONDS[operation]);
        return reply.header('x-cache', 'miss').type(JSON_TYPE).send(body);
      },
    };
    app.decorate('cache', cache);
  },
  { name: 'cache', fastify: '5.x', dependencies: ['rum-redis', 'rum-metrics'] },
);
