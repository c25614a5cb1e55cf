import type { FastifyPluginAsync } from 'fastify';
import type { BreakdownDimension, BreakdownResponse } from '@rum/contract';
import type { MetricQuery } from '../../lib/request-query.ts';
import { queryBreakdown } from '../../queries/breakdown.ts';
import { breakdownQuery } from '../../schemas/query-strings.ts';
import { breakdownResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

const breakdown: FastifyPluginAsync = async (app) => {
  cachedRoute<MetricQuery & { by: BreakdownDimension; limit: number }, BreakdownResponse>(app, {
    operation: 'breakdown',
    summary: 'p75, count and shares of a metric per device, browser, os, country or connection',
    querystring: breakdownQuery,
    response: breakdownResponse,
    answer: async ({ query: { metric, by, limit }, window, filters, windowBody }) => {
      const { source, rows } = await queryBreakdown(app, { filters, window, metric, by, limit });
      return { ...windowBody(source), metric, by, rows };
    },
  });
};

export default breakdown;
