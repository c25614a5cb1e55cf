/**
 * The workers as a service like the others: the Bull consumer, plus an HTTP face that answers
 * `GET /health` (Redis, the database and the queue) and `GET /metrics`, so supervisors read
 * readiness there. Closing the app stops taking jobs and lets the active ones finish.
 */
import type { FastifyInstance } from 'fastify';
import { createLogger, type Config, type Logger } from '@rum/server-kit';
import { createServiceApp, health } from '@rum/server-kit/http';
import { startWorker, type RunningWorker, type WorkerOptions } from './worker.ts';

export interface AppOptions {
  config: Config;
  logger?: Logger;
  worker?: Omit<WorkerOptions, 'logger' | 'metrics'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    worker: RunningWorker;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger('workers', options.config.logLevel);
  const app = createServiceApp({ logger });
  await app.after();
  const worker = await startWorker(options.config, {
    ...options.worker,
    logger,
    metrics: app.metrics,
  });
  app.decorate('worker', worker);
  app.addHook('onClose', () => worker.close());
  await app.register(health, {
    checks: {
      redis: { check: () => worker.redis.ping() },
      database: { check: () => worker.pool.query('SELECT 1') },
      queue: { check: () => worker.queue.client.ping() },
    },
  });
  return app;
}
