import type { MetricName, NavigationType, Percentile, Range } from '@rum/contract';

/** What the user has narrowed the dashboard to; every panel's query is built from it. */
export interface Filters {
  range: Range;
  /** A page path or a route template (`/products/:id`): the query API takes either. */
  page?: string;
  device?: string;
  browser?: string;
  country?: string;
  navigationType?: NavigationType;
  /** A release name, as the SDK's `release` option sent it. */
  release?: string;
}

/** The metric the charts, breakdowns and slow pages show, and the time series' percentile. */
export interface Focus {
  metric: MetricName;
  percentile: Percentile;
}

/** The filters whose values are read from the data (the navigation types are a fixed list). */
export const FILTER_KEYS = ['page', 'device', 'browser', 'country', 'release'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
