/**
 * The query API as a Fastify plugin, and `buildApp()` which wraps it in an instance that
 * never listens (server.ts listens; tests use `app.inject()`).
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import { createLogger, loadConfig, resolveDatabaseUrl, type Config, type Pool } from '@rum/shared';
import cachePlugin from './plugins/cache.ts';
import dbPlugin from './plugins/db.ts';
import errorsPlugin from './plugins/errors.ts';
import metricsPlugin from './plugins/metrics.ts';
import type { RateLimitPluginOptions } from './plugins/rate-limit.ts';
import redisPlugin from './plugins/redis.ts';
import revokedTokensPlugin from './plugins/revoked-tokens.ts';
import health from './routes/health.ts';
import projectRoutes from './routes/projects/index.ts';

export interface QueryApiOptions {
  jwtSecret: string;
  redisUrl: string;
  /** A pool owned by the caller; otherwise one is opened on `databaseUrl` and closed with the app. */
  pool?: Pool;
  databaseUrl?: string;
  rateLimit?: RateLimitPluginOptions;
  /** How long start-up waits for Redis before serving uncached. */
  redisConnectWaitMs?: number;
}

/** The whole API: resources, docs, CORS, helmet, errors, health, metrics and the /v1 routes. */
export const queryApi: FastifyPluginAsync<QueryApiOptions> = async (app, opts) => {
  await app.register(errorsPlugin);
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
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  // Bearer tokens, not cookies: any origin may call (the dashboard runs on another port).
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'HEAD', 'OPTIONS'],
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
  await app.register(dbPlugin, {
    ...(opts.pool ? { pool: opts.pool } : {}),
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
  });
  await app.register(redisPlugin, {
    redisUrl: opts.redisUrl,
    ...(opts.redisConnectWaitMs !== undefined ? { connectWaitMs: opts.redisConnectWaitMs } : {}),
  });
  await app.register(revokedTokensPlugin);
  await app.register(metricsPlugin);
  await app.register(cachePlugin);
  await app.register(health);
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(projectRoutes, {
    prefix: '/v1/projects/:project',
    jwtSecret: opts.jwtSecret,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
};

export interface BuildAppOptions extends Partial<Omit<QueryApiOptions, 'jwtSecret' | 'redisUrl'>> {
  /** Overrides over `loadConfig()` (the environment). */
  config?: Partial<Config>;
  redisUrl?: string;
}

/** A ready-to-`listen` (or `inject`) instance; reads the environment once through `loadConfig()`. */
export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...loadConfig(), ...options.config };
  const app = Fastify({
    loggerInstance: createLogger('query-api', config.logLevel) as FastifyBaseLogger,
    // Unknown query parameters are a 400, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // Behind a proxy the client IP (rate limit key without a token) comes from X-Forwarded-For.
    trustProxy: config.production,
  });
  const { config: _config, redisUrl, ...rest } = options;
  await app.register(queryApi, {
    ...rest,
    jwtSecret: config.jwtSecret,
    redisUrl: redisUrl ?? config.redisUrl,
    ...(rest.pool || rest.databaseUrl ? {} : { databaseUrl: resolveDatabaseUrl(config) }),
  });
  return app;
}
