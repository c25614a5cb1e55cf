/** From a validated querystring to the inputs of a query function and of a cache key. */
import type { MetricName, QueryFilters, Source, Window } from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import type { CacheParams } from './cache-key.ts';
import type { Filters } from './filters.ts';
import type { TimeWindow } from './window.ts';

/**
 * The filters of a query, with its `page` (a path, or a route template) and `route` resolved to
 * page ids: a route is a lookup in `pages`, so it follows the project's current patterns.
 */
export async function filtersOf(db: Pool, projectId: number, q: QueryFilters): Promise<Filters> {
  let pageIds: number[] | undefined;
  if (q.page !== undefined || q.route !== undefined) {
    const { rows } = await db.query<{ id: number }>(
      `SELECT p.id FROM pages p JOIN websites w ON w.id = p.website_id
        WHERE w.project_id = $1
          AND ($2::text IS NULL OR p.path = $2 OR p.route = $2)
          AND ($3::text IS NULL OR p.route = $3)`,
      [projectId, q.page ?? null, q.route ?? null],
    );
    pageIds = rows.map((r) => r.id);
  }
  return {
    projectId,
    ...(pageIds !== undefined ? { pageIds } : {}),
    ...(q.device !== undefined ? { device: q.device } : {}),
    ...(q.browser !== undefined ? { browser: q.browser } : {}),
    ...(q.country !== undefined ? { country: q.country } : {}),
    ...(q.navigationType !== undefined ? { navigationType: q.navigationType } : {}),
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
