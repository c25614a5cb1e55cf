import fp from 'fastify-plugin';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export interface QueryMetrics {
  registry: Registry;
  cacheHits: Counter<'operation'>;
  cacheMisses: Counter<'operation'>;
  cacheErrors: Counter<'command'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    queryMetrics: QueryMetrics;
  }
}

/** Prometheus counters of this app (one registry per app instance), served at GET /metrics. */
export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'rum_query_' });
    const metrics: QueryMetrics = {
      registry,
      cacheHits: new Counter({
        name: 'rum_query_cache_hits_total',
        help: 'Answers served from the Redis cache, by operation.',
        labelNames: ['operation'],
        registers: [registry],
      }),
      cacheMisses: new Counter({
        name: 'rum_query_cache_misses_total',
        help: 'Answers computed from the database because the cache had none (or Redis failed), by operation.',
        labelNames: ['operation'],
        registers: [registry],
      }),
      cacheErrors: new Counter({
        name: 'rum_query_cache_errors_total',
        help: 'Cache reads or writes that failed because Redis did not answer.',
        labelNames: ['command'],
        registers: [registry],
      }),
    };
    app.decorate('queryMetrics', metrics);
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics', fastify: '5.x' },
);
