import type { FastifyInstance } from 'fastify';
import type { Comparison, ComparedWindow, QueryFilters, Source, Window } from '@rum/contract';
import { previousWindow } from '../../lib/compare.ts';
import { cacheKey, type CacheParams } from '../../lib/cache-key.ts';
import { type Filters, resolveWindow, type TimeWindow } from '@rum/server-kit/aggregates';
import { cacheParamsOf, filtersOf, windowBody } from '../../lib/request-query.ts';
import type { CachedOperation } from '../../plugins/cache.ts';
import { errorResponses } from '../../schemas/responses.ts';

export interface AnswerContext<Q, D extends CacheParams> {
  query: Q;
  window: TimeWindow;
  filters: Filters;
  /** The `Window` part of the response, saying which source answered. */
  windowBody: (source: Source) => Window;
  /** What `resolve` returned (empty without `resolve`). */
  defaults: D;
  /** With `compare=previous`: the window of equal length just before, and its response part. */
  previous?: { window: TimeWindow; body: (source: Source) => Required<ComparedWindow> };
}

export interface CachedRouteSpec<
  Q extends QueryFilters,
  R extends object,
  D extends CacheParams = CacheParams,
> {
  operation: CachedOperation;
  summary: string;
  querystring: object;
  response: object;
  /** The window answered; default: from the query's range or from/to. */
  window?: (query: Q) => TimeWindow;
  /** Defaults resolved from the window (and checked: may throw a 400); they join the cache key. */
  resolve?: (query: Q, window: TimeWindow) => D;
  answer: (ctx: AnswerContext<Q, D>) => Promise<R>;
}

/**
 * GET /<operation> of a project: window from the query, cache key from the validated query,
 * answer from the cache or computed by `answer` and stored.
 */
export function cachedRoute<
  Q extends QueryFilters,
  R extends object,
  D extends CacheParams = CacheParams,
>(app: FastifyInstance, spec: CachedRouteSpec<Q, R, D>): void {
  app.get<{ Querystring: Q }>(
    `/${spec.operation}`,
    {
      schema: {
        summary: spec.summary,
        querystring: spec.querystring,
        response: { 200: spec.response, ...errorResponses },
      },
    },
    async (request, reply) => {
      const query = request.query as Q & { compare?: Comparison };
      const window = spec.window ? spec.window(query) : resolveWindow(query);
      const previous = query.compare === 'previous' ? previousWindow(window) : undefined;
      // Without `resolve` there are no defaults; D is then the default, CacheParams, which {} is.
      const defaults = spec.resolve?.(query, window) ?? ({} as D);
      const key = cacheKey(
        request.project.slug,
        spec.operation,
        cacheParamsOf(window, query, defaults),
      );
      return app.cache.respond(reply, spec.operation, key, async () =>
        spec.answer({
          query,
          window,
          filters: await filtersOf(app.db, request.project.id, query),
          windowBody: (source) => windowBody(window, source),
          defaults,
          ...(previous
            ? {
                previous: {
                  window: previous,
                  body: (source: Source) => ({ compare: windowBody(previous, source) }),
                },
              }
            : {}),
        }),
      );
    },
  );
}
