import type { FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { withTimeout } from '../with-timeout.ts';

/** Left out of an OpenAPI document (@fastify/swagger reads `hide`). */
const HIDDEN = { hide: true } as FastifySchema;

export interface HealthCheck {
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check: () => Promise<unknown>;
  /** A failing optional check is reported but the service stays ready (it degrades). */
  optional?: boolean;
}

export interface HealthOptions {
  checks: Record<string, HealthCheck>;
}

/** How long one check may take before it counts as down. */
const CHECK_TIMEOUT_MS = 1000;

/**
 * `GET /health`: readiness, as supervisors (`rum start`, Docker, Kubernetes) read it. 200 with
 * `{"status":"ok","checks":{…}}` while every required dependency answers; 503 with
 * `"status":"unavailable"` otherwise. Each check is named, so the answer says what is down.
 * Our own (rather than @fastify/under-pressure's status route) because that route reports one
 * boolean, not which dependency failed, nor one that may fail without making the service unready.
 */
export const health = fp<HealthOptions>(
  async (app, { checks }) => {
    app.get('/health', { schema: HIDDEN }, async (_request, reply) => {
      const results = await Promise.all(
        Object.entries(checks).map(async ([name, { check, optional }]) => {
          try {
            await withTimeout(check(), CHECK_TIMEOUT_MS, `${name} check`);
            return { name, ok: true, optional };
          } catch {
            return { name, ok: false, optional };
          }
        }),
      );
      const ready = results.every((r) => r.ok || r.optional);
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ok' : 'unavailable',
        checks: Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : 'down'])),
      });
    });
  },
  { name: 'rum-health', fastify: '5.x' },
);
