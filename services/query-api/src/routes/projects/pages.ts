import type { FastifyPluginAsync } from 'fastify';
import type { PageGrouping, PagesResponse, PageStats } from '@rum/contract';
import type { CacheParams } from '../../lib/cache-key.ts';
import { compareRows } from '../../lib/compare.ts';
import type { MetricQuery } from '../../lib/request-query.ts';
import { pageStats } from '../../queries/page-stats.ts';
import { queryPages } from '../../queries/pages.ts';
import { querySlowPages } from '../../queries/slow-pages.ts';
import { pagesQuery, slowPagesQuery } from '../../schemas/query-strings.ts';
import { pagesResponse } from '../../schemas/responses.ts';
import { cachedRoute, type AnswerContext } from './cached-route.ts';

type PagesRouteQuery = MetricQuery & { limit: number; groupBy: PageGrouping };

const pageKey = (p: PageStats) => `${p.domain}\n${p.path}`;

/**
 * The response around the rows `answering` resolves to, each compared with the previous window
 * when asked: both windows are read at once, on two connections.
 */
async function pagesBody(
  app: Parameters<FastifyPluginAsync>[0],
  ctx: AnswerContext<PagesRouteQuery, CacheParams>,
  answering: Promise<{ source: PagesResponse['source']; rows: PageStats[] }>,
): Promise<PagesResponse> {
  const { metric, groupBy } = ctx.query;
  const [answered, before] = await Promise.all([
    answering,
    ctx.previous &&
      pageStats(app, { filters: ctx.filters, window: ctx.previous.window, metric, groupBy }),
  ]);
  const body = { ...ctx.windowBody(answered.source), metric, groupBy };
  if (!ctx.previous || !before) return { ...body, pages: answered.rows };
  return {
    ...body,
    ...ctx.previous.body(before.source),
    pages: compareRows(answered.rows, before.rows, pageKey),
  };
}

/**
 * `pages` (most samples first) and `slow-pages` (highest p75 first): same rows, other order;
 * one row per route template by default, per page path with `groupBy=page`.
 */
const pages: FastifyPluginAsync = async (app) => {
  cachedRoute<PagesRouteQuery, PagesResponse>(app, {
    operation: 'pages',
    summary: 'p75, count and shares of a metric per route (or page), most samples first',
    querystring: pagesQuery,
    response: pagesResponse,
    answer: async (ctx) => {
      const { metric, limit, groupBy } = ctx.query;
      const answering = queryPages(app, {
        filters: ctx.filters,
        window: ctx.window,
        metric,
        groupBy,
        limit,
      });
      return pagesBody(app, ctx, answering);
    },
  });

  cachedRoute<PagesRouteQuery & { minSamples: number }, PagesResponse>(app, {
    operation: 'slow-pages',
    summary: 'Routes (or pages) with at least minSamples samples, highest p75 of a metric first',
    querystring: slowPagesQuery,
    response: pagesResponse,
    answer: async (ctx) => {
      const { metric, limit, minSamples, groupBy } = ctx.query;
      const answering = querySlowPages(app, {
        filters: ctx.filters,
        window: ctx.window,
        metric,
        groupBy,
        minSamples,
        limit,
      });
      return pagesBody(app, ctx, answering);
    },
  });
};

export default pages;
