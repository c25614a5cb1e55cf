import type { FastifyPluginAsync } from 'fastify';
import { METRIC_NAMES, type QueryFilters, type SummaryResponse } from '@rum/contract';
import { querySummary } from '../../queries/summary.ts';
import { summaryQuery } from '../../schemas/query-strings.ts';
import { summaryResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

const summary: FastifyPluginAsync = async (app) => {
  cachedRoute<QueryFilters, SummaryResponse>(app, {
    operation: 'summary',
    summary: 'p50/p75/p95, count and good / needs-improvement / poor shares per metric',
    querystring: summaryQuery,
    response: summaryResponse,
    answer: async ({ query, window, filters, windowBody }) => {
      const { source, rows } = await querySummary(app, {
        filters: { ...filters, metrics: query.metric ? [query.metric] : METRIC_NAMES },
        window,
      });
      return { ...windowBody(source), metrics: rows };
    },
  });
};

export default summary;
