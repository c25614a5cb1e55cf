/** From a validated querystring to the inputs of a query function and of a cache key. */
import type { MetricName, QueryFilters, Source, Window } from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import type { CacheParams } from './cache-key.ts';
import { pageIdsOf, type Filters, type TimeWindow } from '@rum/server-kit/aggregates';

/** The filters of a query, with its `page` and `route` resolved to page ids ({@link pageIdsOf}). */
export async function filtersOf(db: Pool, projectId: number, q: QueryFilters): Promise<Filters> {
  const pageIds = await pageIdsOf(db, projectId, q);
  return {
    projectId,
    ...(pageIds !== undefined ? { pageIds } : {}),
    ...(q.route !== undefined && q.page === undefined ? { route: q.route } : {}),
    ...(q.device !== undefined ? { device: q.device } : {}),
    ...(q.browser !== undefined ? { browser: q.browser } : {}),
    ...(q.country !== undefined ? { country: q.country } : {}),
    ...(q.navigationType !== undefined ? { navigationType: q.navigationType } : {}),
    ...(q.release !== undefined ? { release: q.release } : {}),
  };
}

/**
 * Cache parameters: the validated query with its window in canonical form (the range name,
 * or both instants normalised to ISO) plus any resolved default (`extra`).
 */
export function cacheParamsOf(w: TimeWindow, q: object, extra: CacheParams = {}): CacheParams {
  const params: CacheParams = {};
  for (const [k, v] of Object.entries(q)) {
    if (
      k !== 'range' &&
      k !== 'from' &&
      k !== 'to' &&
      (typeof v === 'string' || typeof v === 'number')
    )
      params[k] = v;
  }
  const when = w.range
    ? { range: w.range }
    : { from: w.from.toISOString(), to: w.to.toISOString() };
  return { ...params, ...when, ...extra };
}

/** The window part of a response. `source` overrides the window's (tables without rollups are always raw). */
export function windowBody(w: TimeWindow, source: Source = w.source): Window {
  return { from: w.from.toISOString(), to: w.to.toISOString(), source };
}

/** Query filters with a metric defaulted by the schema. */
export type MetricQuery = QueryFilters & { metric: MetricName };
