import type { FastifyPluginAsync } from 'fastify';

/** Liveness and dependency status; 200 while the database answers (Redis only degrades caching). */
const health: FastifyPluginAsync = async (app) => {
  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    const redis = app.redis.status === 'ready' ? 'ok' : 'down';
    try {
      await app.db.query('SELECT 1');
      return { status: 'ok', database: 'ok', redis };
    } catch {
      return reply.code(503).send({ status: 'degraded', database: 'down', redis });
    }
  });
};

export default health;
