import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { ERROR_CODES } from '@rum/contract';
import { ServiceError } from '@rum/server-kit/http';
import { bearerToken } from './auth.ts';

export interface RateLimitPluginOptions {
  /** Requests per window per token; default 1,000. */
  max?: number;
  /** Window length in ms; default one minute. */
  timeWindowMs?: number;
  /** Where the token the limit is counted per is read; default the Bearer header. */
  tokenOf?: (request: FastifyRequest) => string | undefined;
}

export const DEFAULT_RATE_LIMIT = 1000;
export const DEFAULT_RATE_WINDOW_MS = 60_000;

/**
 * Per-token rate limit (per IP without a token) on the routes of the context it is
 * registered in, counted in Redis so every instance shares it. Runs first, on onRequest.
 * When Redis fails the request goes through (skipOnError): an outage must not become 5xx.
 */
export default fp<RateLimitPluginOptions>(
  async (app, opts) => {
    await app.register(rateLimit, {
      max: opts.max ?? DEFAULT_RATE_LIMIT,
      timeWindow: opts.timeWindowMs ?? DEFAULT_RATE_WINDOW_MS,
      redis: app.redis,
      nameSpace: 'rum:query-rate:',
      skipOnError: true,
      // Tokens are secrets: only their hash goes into Redis keys.
      keyGenerator: (request) => {
        const token = opts.tokenOf
          ? opts.tokenOf(request)
          : bearerToken(request.headers.authorization);
        return token ? `t:${createHash('sha256').update(token).digest('hex')}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        new ServiceError(
          429,
          ERROR_CODES.rateLimited,
          `rate limit of ${context.max} requests exceeded, retry in ${context.after}`,
        ),
    });
  },
  { name: 'query-rate-limit', fastify: '5.x', dependencies: ['rum-redis'] },
);
