import type { FastifyPluginAsync } from 'fastify';
import {
  defaultInterval,
  type Interval,
  type Percentile,
  type TimeseriesQuery,
  type TimeseriesResponse,
} from '@rum/contract';
import type { MetricQuery } from '../../lib/request-query.ts';
import { checkInterval, spanMs } from '@rum/server-kit/aggregates';
import { queryTimeseries } from '../../queries/timeseries.ts';
import { timeseriesQuery } from '../../schemas/query-strings.ts';
import { timeseriesResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

type Query = TimeseriesQuery & MetricQuery & { percentile: Percentile };

const timeseries: FastifyPluginAsync = async (app) => {
  cachedRoute<Query, TimeseriesResponse, { interval: Interval }>(app, {
    operation: 'timeseries',
    summary:
      'A percentile of one metric per time_bucket() bucket; empty buckets have value null and count 0',
    querystring: timeseriesQuery,
    response: timeseriesResponse,
    resolve: (query, window) => {
      const interval = query.interval ?? defaultInterval(spanMs(window));
      checkInterval(window, interval);
      return { interval };
    },
    answer: async ({ query, window, filters, windowBody, defaults: { interval } }) => {
      const { metric, percentile } = query;
      const { source, rows } = await queryTimeseries(app, {
        filters,
        window,
        metric,
        percentile,
        interval,
      });
      return { ...windowBody(source), metric, percentile, interval, points: rows };
    },
  });
};

export default timeseries;
