import type { MetricName, Percentile, Range } from '@rum/contract';

/** What the user has narrowed the dashboard to; every panel's query is built from it. */
export interface Filters {
  range: Range;
  page?: string;
  device?: string;
  browser?: string;
  country?: string;
}

/** The metric the charts, breakdowns and slow pages show, and the time series' percentile. */
export interface Focus {
  metric: MetricName;
  percentile: Percentile;
}

export const FILTER_KEYS = ['page', 'device', 'browser', 'country'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
