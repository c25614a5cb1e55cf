import type { FastifyPluginAsync } from 'fastify';
import type { BreakdownDimension, BreakdownResponse } from '@rum/contract';
import { compareRows } from '../../lib/compare.ts';
import type { MetricQuery } from '../../lib/request-query.ts';
import { queryBreakdown } from '../../queries/breakdown.ts';
import { breakdownQuery } from '../../schemas/query-strings.ts';
import { breakdownResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

const breakdown: FastifyPluginAsync = async (app) => {
  cachedRoute<MetricQuery & { by: BreakdownDimension; limit: number }, BreakdownResponse>(app, {
    operation: 'breakdown',
    summary:
      'p75, count and shares of a metric per device, browser, os, country, connection or navigation type',
    querystring: breakdownQuery,
    response: breakdownResponse,
    answer: async ({ query: { metric, by, limit }, window, filters, windowBody, previous }) => {
      // Both windows at once, on two connections (two database cores when there are two).
      const [{ source, rows }, before] = await Promise.all([
        queryBreakdown(app, { filters, window, metric, by, limit }),
        previous &&
          queryBreakdown(app, { filters, window: previous.window, metric, by, limit: Infinity }),
      ]);
      const body = { ...windowBody(source), metric, by };
      if (!previous || !before) return { ...body, rows };
      return {
        ...body,
        ...previous.body(before.source),
        rows: compareRows(rows, before.rows, (r) => r.value),
      };
    },
  });
};

export default breakdown;
