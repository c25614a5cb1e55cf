import type { FastifyPluginAsync } from 'fastify';
import authPlugin from '../../plugins/auth.ts';
import rateLimitPlugin, { type RateLimitPluginOptions } from '../../plugins/rate-limit.ts';
import { projectParams } from '../../schemas/query-strings.ts';
import alerts from './alerts.ts';
import attribution from './attribution.ts';
import breakdown from './breakdown.ts';
import errors from './errors.ts';
import histogram from './histogram.ts';
import metrics from './metrics.ts';
import pages from './pages.ts';
import releases from './releases.ts';
import sessions from './sessions.ts';
import summary from './summary.ts';
import timeseries from './timeseries.ts';

export interface ProjectRoutesOptions {
  jwtSecret: string;
  rateLimit?: RateLimitPluginOptions;
}

/**
 * Everything under /v1/projects/:project: rate limit (onRequest), then the read token
 * (preValidation), then schema validation, then the handler.
 */
const projectRoutes: FastifyPluginAsync<ProjectRoutesOptions> = async (app, opts) => {
  await app.register(rateLimitPlugin, opts.rateLimit ?? {});
  await app.register(authPlugin, { jwtSecret: opts.jwtSecret });
  app.addHook('onRoute', (route) => {
    route.schema = {
      params: projectParams,
      security: [{ bearerAuth: [] }],
      tags: ['project'],
      ...route.schema,
    };
  });
  for (const routes of [
    summary,
    timeseries,
    pages,
    breakdown,
    histogram,
    metrics,
    errors,
    sessions,
    attribution,
    releases,
    alerts,
  ]) {
    await app.register(routes);
  }
};

export default projectRoutes;
