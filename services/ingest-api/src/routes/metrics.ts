import type { FastifyPluginAsync } from 'fastify';

/** GET /metrics: Prometheus text exposition of this process's counters. */
const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', async (_request, reply) => {
    const { registry } = app.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};

export default metricsRoutes;
