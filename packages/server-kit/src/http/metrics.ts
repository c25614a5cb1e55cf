import type { FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** Left out of an OpenAPI document (@fastify/swagger reads `hide`). */
const HIDDEN = { hide: true } as FastifySchema;

declare module 'fastify' {
  interface FastifyInstance {
    /** This service's Prometheus registry (served at GET /metrics); services add their own instruments to it. */
    metrics: Registry;
  }
}

/**
 * Prometheus: a registry per app (several apps in one process never clash), the process's
 * default metrics, every answer counted by route and status, and `GET /metrics`. A service's
 * own series are named `rum_<service>_…`; which process a series comes from is the scrape
 * job's business.
 */
export const metrics = fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const requests = new Counter({
      name: 'rum_http_requests_total',
      help: 'HTTP requests answered, by method, route and status code.',
      labelNames: ['method', 'route', 'status_code'],
      registers: [registry],
    });
    app.decorate('metrics', registry);
    app.addHook('onResponse', (request, reply, done) => {
      requests.inc({
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      });
      done();
    });
    app.get('/metrics', { schema: HIDDEN }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  { name: 'rum-metrics', fastify: '5.x' },
);
