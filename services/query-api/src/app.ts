/**
 * The query API as a Fastify plugin, and `buildApp()` which wraps it in an instance that
 * never listens (server.ts listens; tests use `app.inject()`).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifySchema } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import {
  createLogger,
  requireJwtSecret,
  resolveReadDatabaseUrl,
  type Config,
  type Logger,
  type Pool,
} from '@rum/server-kit';
import { createServiceApp, database, health, redis } from '@rum/server-kit/http';
import cachePlugin from './plugins/cache.ts';
import type { RateLimitPluginOptions } from './plugins/rate-limit.ts';
import revokedTokensPlugin from './plugins/revoked-tokens.ts';
import rollupsPlugin from './plugins/rollups.ts';
import cruxRoutes from './routes/crux.ts';
import projectRoutes from './routes/projects/index.ts';

export interface AppOptions {
  config: Config;
  logger?: Logger;
  /** A pool owned by the caller; otherwise one is opened on the configured database and closed with the app. */
  pool?: Pool;
  rateLimit?: RateLimitPluginOptions;
  /** How long start-up waits for Redis before serving uncached. */
  redisConnectWaitMs?: number;
}

/** Longest a cache or rate-limit command may take before it counts as a Redis failure. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

/** The whole API: docs, CORS, helmet, resources, health and the /v1 routes. */
export const queryApi: FastifyPluginAsync<AppOptions> = async (app, opts) => {
  const { config } = opts;
  const jwtSecret = requireJwtSecret(config);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'RUM query API',
        description:
          'Core Web Vitals aggregates per project. Authenticate with a read token: `Authorization: Bearer <token>`.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          // The CrUX-compatible routes also take the token as CrUX clients send their API key.
          readTokenKey: { type: 'apiKey', in: 'query', name: 'key' },
        },
      },
    },
  });
  // Bearer tokens, not cookies: any origin may call (the dashboard runs on another port).
  await app.register(cors, {
    origin: '*',
    // POST: the CrUX-compatible routes (read-only, as CrUX's own API posts its questions).
    methods: ['GET', 'HEAD', 'OPTIONS', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: [
      'x-cache',
      'retry-after',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
    ],
    maxAge: 600,
  });
  await app.register(helmet, { crossOriginResourcePolicy: { policy: 'cross-origin' } });
  await app.register(
    database,
    opts.pool
      ? { pool: opts.pool }
      : {
          url: resolveReadDatabaseUrl(config),
          session: { max_parallel_workers_per_gather: config.queryParallelWorkers },
        },
  );
  // Redis only caches answers and counts rate limits here: without it the API answers uncached.
  await app.register(redis, {
    url: config.redisUrl,
    whenDownAtStart: 'degrade',
    connectWaitMs: opts.redisConnectWaitMs ?? 2000,
    client: { commandTimeout: REDIS_COMMAND_TIMEOUT_MS },
  });
  await app.register(rollupsPlugin);
  await app.register(revokedTokensPlugin);
  await app.register(cachePlugin);
  await app.register(health, {
    checks: {
      database: { check: () => app.db.query('SELECT 1') },
      redis: { check: () => app.redis.ping(), optional: true },
    },
  });
  app.get('/docs/json', { schema: { hide: true } as FastifySchema }, async () => app.swagger());
  await app.register(projectRoutes, {
    prefix: '/v1/projects/:project',
    jwtSecret,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
  await app.register(cruxRoutes, {
    prefix: '/v1',
    jwtSecret,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
};

/** The query API as a Fastify instance, not yet listening (server.ts listens; tests use `inject`). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger = options.logger ?? createLogger('query-api', config.logLevel);
  const app = createServiceApp({
    logger,
    fastify: {
      // Unknown query parameters are a 400, not silently dropped.
      ajv: { customOptions: { removeAdditional: false } },
      // Behind a proxy the client IP (rate limit key without a token) comes from X-Forwarded-For.
      trustProxy: config.production,
    },
  });
  await app.register(queryApi, options);
  return app;
}
