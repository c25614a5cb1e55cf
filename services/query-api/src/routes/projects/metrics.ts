import type { FastifyPluginAsync } from 'fastify';
import type { ListQuery, MetricsResponse } from '@rum/contract';
import { filtersOf, windowBody } from '../../lib/request-query.ts';
import { resolveWindow } from '@rum/server-kit/aggregates';
import { queryMetrics } from '../../queries/metrics.ts';
import { metricsQuery } from '../../schemas/query-strings.ts';
import { errorResponses, metricsResponse } from '../../schemas/responses.ts';

/** Raw rows, newest first; not cached (a debugging view wants what is there now). */
const metrics: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: ListQuery & { limit: number } }>(
    '/metrics',
    {
      schema: {
        summary: 'Raw metric rows, newest first (at most 1000)',
        querystring: metricsQuery,
        response: { 200: metricsResponse, ...errorResponses },
      },
    },
    async (request): Promise<MetricsResponse> => {
      const q = request.query;
      const window = resolveWindow(q);
      const filters = {
        ...(await filtersOf(app.db, request.project.id, q)),
        ...(q.metric ? { metrics: [q.metric] } : {}),
      };
      return {
        ...windowBody(window, 'raw'),
        rows: await queryMetrics(app.db, { filters, window, limit: q.limit }),
      };
    },
  );
};

export default metrics;
