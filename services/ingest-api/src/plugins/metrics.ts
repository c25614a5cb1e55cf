import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface IngestMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status_code'>;
  queueAddSeconds: Histogram<'outcome'>;
  batchBeacons: Histogram;
  eventsAccepted: Counter<'type'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: IngestMetrics;
  }
}

/** Prometheus metrics in a registry of this app's own, so several apps in one process never clash. */
export function createIngestMetrics(): IngestMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'rum_ingest_http_requests_total',
      help: 'HTTP requests answered, by route and status code.',
      labelNames: ['method', 'route', 'status_code'],
      registers: [registry],
    }),
    queueAddSeconds: new Histogram({
      name: 'rum_ingest_queue_add_duration_seconds',
      help: 'Time to add one collect job to the Bull queue in Redis, by outcome (ok, error).',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    batchBeacons: new Histogram({
      name: 'rum_ingest_job_beacons',
      help: 'Beacons micro-batched into one collect job.',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    eventsAccepted: new Counter({
      name: 'rum_ingest_events_accepted_total',
      help: 'Events queued and answered with 202, by type (metric: web-vitals reports, error: JS errors).',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}

export default fp(
  async (app) => {
    const metrics = createIngestMetrics();
    app.decorate('metrics', metrics);
    app.addHook('onResponse', (request, reply, done) => {
      metrics.requests.inc({
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      });
      done();
    });
  },
  { name: 'rum-metrics' },
);
