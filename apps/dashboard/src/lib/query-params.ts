import type { Interval, Range } from '@rum/contract';
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
  };
}

/** Time series bucket width per range: between about 24 and 100 points. */
export const INTERVAL_FOR_RANGE: Readonly<Record<Range, Interval>> = {
  '1h': '1m',
  '24h': '15m',
  '7d': '1h',
  '28d': '6h',
  '30d': '6h',
  '90d': '1d',
};

/** How often panels refetch on their own; the query API caches answers for about as long. */
export const REFETCH_INTERVAL_MS = 60_000;
