import type { FastifyPluginAsync } from 'fastify';
import { REDIS_TIMEOUT_MS, withTimeout } from '../lib/with-timeout.ts';
import { ERROR_CODES, IngestError } from '../errors.ts';
import { healthSchema } from '../schemas/health.ts';

/** GET /health: 200 when both our Redis connections (keys and queue) answer PING, 503 otherwise. */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', { schema: healthSchema }, async () => {
    try {
      await withTimeout(
        Promise.all([app.redis.ping(), app.collectQueue.queue.client.ping()]),
        REDIS_TIMEOUT_MS,
        'PING',
      );
    } catch (err) {
      throw new IngestError(503, ERROR_CODES.unavailable, 'Redis is not reachable', { cause: err });
    }
    return { status: 'ok' as const };
  });
};

export default healthRoutes;
