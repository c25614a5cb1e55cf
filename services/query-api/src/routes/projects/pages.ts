import type { FastifyPluginAsync } from 'fastify';
import type { PagesResponse } from '@rum/contract';
import type { MetricQuery } from '../../lib/request-query.ts';
import { queryPages } from '../../queries/pages.ts';
import { querySlowPages } from '../../queries/slow-pages.ts';
import { pagesQuery, slowPagesQuery } from '../../schemas/query-strings.ts';
import { pagesResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

/** `pages` (most samples first) and `slow-pages` (highest p75 first): same rows, other order. */
const pages: FastifyPluginAsync = async (app) => {
  cachedRoute<MetricQuery & { limit: number }, PagesResponse>(app, {
    operation: 'pages',
    summary: 'p75, count and shares of a metric per page, most samples first',
    querystring: pagesQuery,
    response: pagesResponse,
    answer: async ({ query: { metric, limit }, window, filters, windowBody }) => {
      const { source, rows } = await queryPages(app, { filters, window, metric, limit });
      return { ...windowBody(source), metric, pages: rows };
    },
  });

  cachedRoute<MetricQuery & { limit: number; minSamples: number }, PagesResponse>(app, {
    operation: 'slow-pages',
    summary: 'Pages with at least minSamples samples, highest p75 of a metric first',
    querystring: slowPagesQuery,
    response: pagesResponse,
    answer: async ({ query: { metric, limit, minSamples }, window, filters, windowBody }) => {
      const { source, rows } = await querySlowPages(app, {
        filters,
        window,
        metric,
        minSamples,
        limit,
      });
      return { ...windowBody(source), metric, pages: rows };
    },
  });
};

export default pages;
