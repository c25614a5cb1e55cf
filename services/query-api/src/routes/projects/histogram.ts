import type { FastifyPluginAsync } from 'fastify';
import { THRESHOLDS, type HistogramResponse } from '@rum/contract';
import type { MetricQuery } from '../../lib/request-query.ts';
import { queryHistogram } from '../../queries/histogram.ts';
import { histogramQuery } from '../../schemas/query-strings.ts';
import { histogramResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

const histogram: FastifyPluginAsync = async (app) => {
  cachedRoute<MetricQuery, HistogramResponse>(app, {
    operation: 'histogram',
    summary: 'Distribution of a metric in log-spaced buckets, with its good / poor thresholds',
    querystring: histogramQuery,
    response: histogramResponse,
    answer: async ({ query: { metric }, window, filters, windowBody }) => {
      const { source, rows } = await queryHistogram(app, { filters, window, metric });
      return {
        ...windowBody(source),
        metric,
        thresholds: { ...THRESHOLDS[metric] },
        buckets: rows,
      };
    },
  });
};

export default histogram;
