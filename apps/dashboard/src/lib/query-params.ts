import type { Filters } from '../types/filters.ts';
import type { QueryParams } from './api-client.ts';

/** The query parameters every route accepts, from the dashboard's filters. */
export function filterParams(filters: Filters): QueryParams {
  return {
    range: filters.range,
    page: filters.page,
    device: filters.device,
    browser: filters.browser,
    country: filters.country,
    navigationType: filters.navigationType,
    release: filters.release,
  };
}

/** How often panels refetch on their own; the query API caches answers for about as long. */
export const REFETCH_INTERVAL_MS = 60_000;
