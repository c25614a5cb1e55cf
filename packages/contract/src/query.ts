/**
 * The query API's parameters and response shapes (GET /v1/projects/:project/...), shared by
 * services/query-api and apps/dashboard.
 */
import type { NavigationType } from './beacon.ts';
import type { MetricName, Rating } from './metrics.ts';

export const RANGES = ['1h', '24h', '7d', '28d', '30d', '90d'] as const;
export type Range = (typeof RANGES)[number];

export const INTERVALS = ['1m', '5m', '15m', '1h', '6h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

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

export const BREAKDOWN_DIMENSIONS = [
  'device',
  'browser',
  'os',
  'country',
  'connection',
  'navigationType',
  'release',
] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/**
 * Filters every route accepts. `range` or `from`/`to` (ISO 8601) pick the window. `page` takes
 * a page path or a route template (`/products/:id`); `route` only a route template.
 */
export interface QueryFilters {
  range?: Range;
  from?: string;
  to?: string;
  metric?: MetricName;
  page?: string;
  route?: string;
  device?: string;
  browser?: string;
  country?: string;
  navigationType?: NavigationType;
  release?: string;
}

/** `compare=previous`: the same figures for the window of equal length just before. */
export const COMPARISONS = ['previous'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** `pages` and `slow-pages` rows: one per route template (default) or one per page path. */
export const PAGE_GROUPINGS = ['route', 'page'] as const;
export type PageGrouping = (typeof PAGE_GROUPINGS)[number];

/** `timeseries` parameters; defaults: percentile 75, interval picked from the window's length. */
export interface TimeseriesQuery extends QueryFilters {
  percentile?: Percentile;
  interval?: Interval;
}

/** `pages` (sorted by count) and `slow-pages` (sorted by p75, only pages with at least `minSamples`). */
export interface PagesQuery extends QueryFilters {
  limit?: number;
  minSamples?: number;
  groupBy?: PageGrouping;
  compare?: Comparison;
}

/** `breakdown`: `by` is required. */
export interface BreakdownQuery extends QueryFilters {
  by: BreakdownDimension;
  limit?: number;
  compare?: Comparison;
}

/** `summary`. */
export interface SummaryQuery extends QueryFilters {
  compare?: Comparison;
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

/**
 * With `compare=previous`: a group's figures in the previous window (null when it had no
 * samples there) and the change from them: p75 now minus p75 then (metric units), good share
 * now minus good share then (a fraction; +0.05 is five points better). Null when either side
 * has no samples.
 */
export interface Compared {
  previous?: GroupStats | null;
  change?: Change;
}

export interface Change {
  p75: number | null;
  good: number | null;
}

/** The previous window of a `compare=previous` answer. */
export interface ComparedWindow {
  compare?: { from: string; to: string; source: Source };
}

export interface MetricSummary extends Compared {
  metric: MetricName;
  count: number;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  /** Rating of the p75, the number CrUX reports. */
  rating: Rating | null;
  shares: RatingShares;
}

export interface SummaryResponse extends Window, ComparedWindow {
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

/**
 * A row of `pages`/`slow-pages`. Grouped by route: `path` is the route template, `pages` the
 * number of distinct page paths of that route with samples in the window. Grouped by page:
 * `path` is the page path, `route` its template, `pages` 1.
 */
export interface PageStats extends GroupStats, Compared {
  domain: string;
  path: string;
  route: string;
  pages: number;
}

export interface PagesResponse extends Window, ComparedWindow {
  metric: MetricName;
  groupBy: PageGrouping;
  pages: PageStats[];
}

/** A breakdown row; `value` is `unknown` for samples that did not carry the dimension. */
export interface BreakdownRow extends GroupStats, Compared {
  value: string;
}

export interface BreakdownResponse extends Window, ComparedWindow {
  metric: MetricName;
  by: BreakdownDimension;
  rows: BreakdownRow[];
}

/** The metrics whose causes are aggregated, and the attribution keys each can be ranked by. */
export const ATTRIBUTION_KEYS = {
  LCP: ['element', 'url'],
  INP: ['target', 'type'],
  CLS: ['target'],
} as const satisfies Partial<Record<MetricName, readonly string[]>>;
export type AttributedMetric = keyof typeof ATTRIBUTION_KEYS;
export const ATTRIBUTED_METRICS = Object.keys(ATTRIBUTION_KEYS) as AttributedMetric[];

/** `attribution?metric=LCP|INP|CLS&by=<key of ATTRIBUTION_KEYS[metric]>`. */
export interface AttributionQuery extends QueryFilters {
  metric: AttributedMetric;
  by: string;
  limit?: number;
}

/** One attribution value (an element selector, a resource URL, an event type). */
export interface AttributionGroup extends GroupStats {
  value: string;
  /** Its poor samples. */
  poor: number;
  /** Its poor samples over all poor samples of the metric in the window (0 when there are none). */
  poorShare: number;
}

export interface AttributionResponse extends Window {
  metric: AttributedMetric;
  by: string;
  /** Samples of the metric in the window, and how many of them are poor. */
  count: number;
  poor: number;
  /** Share of the samples that carried no value for `by` (the standard SDK build sends none). */
  unattributed: number;
  /** Ranked by poor samples, then samples. Values beyond the stored top ones are grouped as `(other)`. */
  groups: AttributionGroup[];
}

/** The parts of LCP (its four subparts) and of INP (its three phases), in time order. */
export const PHASES = {
  LCP: ['timeToFirstByte', 'resourceLoadDelay', 'resourceLoadDuration', 'elementRenderDelay'],
  INP: ['inputDelay', 'processingDuration', 'presentationDelay'],
} as const;
export type PhasedMetric = keyof typeof PHASES;
export const PHASED_METRICS = Object.keys(PHASES) as PhasedMetric[];

export interface PhaseStat {
  count: number;
  /** p75 of the phase's duration in ms, null without samples. */
  p75: number | null;
}

export interface PhaseRow {
  phase: string;
  /** Over every sample that carried the phase, and over the poor samples only. */
  all: PhaseStat;
  poor: PhaseStat;
}

export interface PhasesResponse extends Window {
  metric: PhasedMetric;
  phases: PhaseRow[];
}

/** Form factors of the Core Web Vitals assessment: mobile is phones and tablets, as CrUX groups them. */
export const FORM_FACTORS = ['mobile', 'desktop'] as const;
export type FormFactor = (typeof FORM_FACTORS)[number];

/** The metrics the assessment reads. */
export const CORE_WEB_VITALS = ['LCP', 'INP', 'CLS'] as const satisfies readonly MetricName[];

export interface AssessedMetric {
  metric: MetricName;
  count: number;
  p75: number | null;
  /** Null when the metric has fewer samples than `minSamples`. */
  rating: Rating | null;
}

/**
 * `passed` when LCP, INP and CLS all have a good p75; `failed` when one is not good;
 * `insufficient-data` when LCP or CLS has fewer than `minSamples` samples (INP below the floor
 * is left out of the verdict, as PageSpeed Insights does for pages without interactions).
 */
export type AssessmentStatus = 'passed' | 'failed' | 'insufficient-data';

export interface FormFactorAssessment {
  formFactor: FormFactor;
  status: AssessmentStatus;
  metrics: AssessedMetric[];
}

export interface AssessmentResponse extends Window {
  minSamples: number;
  formFactors: FormFactorAssessment[];
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

/** `GET /v1/projects/:project/releases`: the releases seen in the window, newest first. */
export interface ReleasesQuery extends QueryFilters {
  limit?: number;
  /** `previous`: each release against the release before it. */
  compare?: Comparison;
}

/** One metric of one release: its stats in the window, and against the release before it. */
export interface ReleaseMetric extends GroupStats, Compared {
  metric: MetricName;
}

export interface ReleaseRow {
  release: string;
  /** ISO time of the release's first and last sample ever stored (not only in the window). */
  firstSeen: string;
  lastSeen: string;
  /** Samples of every metric in the window. */
  samples: number;
  metrics: ReleaseMetric[];
  /** With `compare=previous`: the release compared against (the one first seen before it), null for the first. */
  previous?: string | null;
}

export interface ReleasesResponse extends Window {
  releases: ReleaseRow[];
}
