import type { FastifyPluginAsync } from 'fastify';
import { METRIC_NAMES, type QueryFilters, type SummaryResponse } from '@rum/contract';
import { compareRows } from '../../lib/compare.ts';
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
    answer: async ({ query, window, filters, windowBody, previous }) => {
      const metricFilters = { ...filters, metrics: query.metric ? [query.metric] : METRIC_NAMES };
      // Both windows at once, on two connections (two database cores when there are two).
      const [{ source, rows }, before] = await Promise.all([
        querySummary(app, { filters: metricFilters, window }),
        previous && querySummary(app, { filters: metricFilters, window: previous.window }),
      ]);
      if (!previous || !before) return { ...windowBody(source), metrics: rows };
      return {
        ...windowBody(source),
        ...previous.body(before.source),
        metrics: compareRows(rows, before.rows, (m) => m.metric),
      };
    },
  });
};

export default summary;
