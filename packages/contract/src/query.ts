/**
 * The query API's parameters and response shapes (GET /v1/projects/:project/...), shared by
 * services/query-api and apps/dashboard.
 */
import type { MetricName, Rating } from './metrics.ts';

export const RANGES = ['1h', '24h', '7d', '28d', '30d', '90d'] as const;
export type Range = (typeof RANGES)[number];

export const INTERVALS = ['1m', '5m', '15m', '1h', '6h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Length of the window each `range` names (it ends at the next whole minute). */
export const RANGE_MS: Readonly<Record<Range, number>> = {
  '1h': HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '28d': 28 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
};

/**
 * The interval a time series uses when none is asked for, from the window's length in ms:
 * 24 to 90 points, each read from the coarsest rollup that fits (hourly up to a week, daily
 * beyond), so that every range's time series stays fast at millions of events. A range's window
 * may start up to an hour early (to a whole hour), hence the hour of slack. The query API
 * applies it to requests without an interval; the dashboard asks for it explicitly. Finer
 * intervals can be asked (those under an hour for windows up to a day, read from raw rows).
 */
export function defaultInterval(windowMs: number): Interval {
  if (windowMs <= HOUR_MS) return '1m';
  if (windowMs <= DAY_MS + HOUR_MS) return '1h';
  if (windowMs <= 7 * DAY_MS + HOUR_MS) return '6h';
  return '1d';
}

export const PERCENTILES = [50, 75, 90, 95, 99] as const;
export type Percentile = (typeof PERCENTILES)[number];

export const BREAKDOWN_DIMENSIONS = ['device', 'browser', 'os', 'country', 'connection'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** Filters every route accepts. `range` or `from`/`to` (ISO 8601) pick the window. */
export interface QueryFilters {
  range?: Range;
  from?: string;
  to?: string;
  metric?: MetricName;
  page?: string;
  device?: string;
  browser?: string;
  country?: string;
}

/** `timeseries` parameters; defaults: percentile 75, interval picked from the window's length. */
export interface TimeseriesQuery extends QueryFilters {
  percentile?: Percentile;
  interval?: Interval;
}

/** `pages` (sorted by count) and `slow-pages` (sorted by p75, only pages with at least `minSamples`). */
export interface PagesQuery extends QueryFilters {
  limit?: number;
  minSamples?: number;
}

/** `breakdown`: `by` is required. */
export interface BreakdownQuery extends QueryFilters {
  by: BreakdownDimension;
  limit?: number;
}

/** `metrics` (raw rows, newest first, limit at most 1000) and `errors` (groups, most frequent first). */
export interface ListQuery extends QueryFilters {
  limit?: number;
}

/** Fractions in [0, 1] of samples rated good / needs improvement / poor (they sum to 1 when count > 0). */
export interface RatingShares {
  good: number;
  needsImprovement: number;
  poor: number;
}

/** Where an answer was computed: exact percentile_cont on raw rows, or summed histogram bins. */
export type Source = 'raw' | 'rollup';

export interface Window {
  from: string;
  to: string;
  source: Source;
}

export interface MetricSummary {
  metric: MetricName;
  count: number;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  /** Rating of the p75, the number CrUX reports. */
  rating: Rating | null;
  shares: RatingShares;
}

export interface SummaryResponse extends Window {
  metrics: MetricSummary[];
}

export interface TimeseriesPoint {
  /** Bucket start, ISO. */
  time: string;
  value: number | null;
  count: number;
}

export interface TimeseriesResponse extends Window {
  metric: MetricName;
  percentile: Percentile;
  interval: Interval;
  points: TimeseriesPoint[];
}

/** A row of `pages`, `slow-pages` and `breakdown`: one group's p75 for the chosen metric. */
export interface GroupStats {
  count: number;
  p75: number | null;
  rating: Rating | null;
  shares: RatingShares;
}

export interface PageStats extends GroupStats {
  domain: string;
  path: string;
}

export interface PagesResponse extends Window {
  metric: MetricName;
  pages: PageStats[];
}

export interface BreakdownRow extends GroupStats {
  value: string;
}

export interface BreakdownResponse extends Window {
  metric: MetricName;
  by: BreakdownDimension;
  rows: BreakdownRow[];
}

export interface HistogramBucket {
  from: number;
  to: number;
  count: number;
}

export interface HistogramResponse extends Window {
  metric: MetricName;
  thresholds: { good: number; poor: number };
  buckets: HistogramBucket[];
}

export interface MetricRow {
  time: string;
  name: MetricName;
  value: number;
  rating: Rating;
  sessionId: string;
  domain: string;
  path: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  connection: string | null;
  navigationType: string | null;
  attribution: Record<string, string | number> | null;
}

export interface MetricsResponse extends Window {
  rows: MetricRow[];
}

export interface ErrorGroup {
  fingerprint: string;
  message: string;
  count: number;
  sessions: number;
  firstSeen: string;
  lastSeen: string;
  sampleStack: string | null;
  source: string | null;
  line: number | null;
  col: number | null;
}

export interface ErrorsResponse extends Window {
  errors: ErrorGroup[];
}

export interface ErrorRow {
  time: string;
  message: string;
  stack: string | null;
  source: string | null;
  line: number | null;
  col: number | null;
  path: string;
}

export interface SessionResponse {
  sessionId: string;
  metrics: MetricRow[];
  errors: ErrorRow[];
}
