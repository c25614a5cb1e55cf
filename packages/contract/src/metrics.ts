/**
 * Metric names, the web.dev thresholds and the rating rule, shared by the SDK (types only),
 * the workers (rating when the SDK sent none), the query API (shares) and the dashboard.
 */

export const METRIC_NAMES = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export const RATINGS = ['good', 'needs-improvement', 'poor'] as const;
export type Rating = (typeof RATINGS)[number];

/** Upper edge of "good" and of "needs improvement", from https://web.dev/articles/vitals. */
export interface Thresholds {
  good: number;
  poor: number;
}

export const THRESHOLDS: Readonly<Record<MetricName, Thresholds>> = {
  LCP: { good: 2500, poor: 4000 },
  INP: { good: 200, poor: 500 },
  CLS: { good: 0.1, poor: 0.25 },
  FCP: { good: 1800, poor: 3000 },
  TTFB: { good: 800, poor: 1800 },
  FID: { good: 100, poor: 300 },
};

/** Unit of each metric's value: milliseconds, except CLS which is a unitless score. */
export const METRIC_UNITS: Readonly<Record<MetricName, 'ms' | 'score'>> = {
  LCP: 'ms',
  INP: 'ms',
  CLS: 'score',
  FCP: 'ms',
  TTFB: 'ms',
  FID: 'ms',
};

/**
 * Largest value accepted per metric. Anything above is a broken measurement (a tab left in
 * the background for hours), not a slow page.
 */
export const MAX_METRIC_VALUE: Readonly<Record<MetricName, number>> = {
  LCP: 600_000,
  INP: 600_000,
  CLS: 100,
  FCP: 600_000,
  TTFB: 600_000,
  FID: 600_000,
};

/** The CrUX convention: good when value <= good edge, poor when value > poor edge. */
export function rate(name: MetricName, value: number): Rating {
  const { good, poor } = THRESHOLDS[name];
  if (value <= good) return 'good';
  if (value > poor) return 'poor';
  return 'needs-improvement';
}

/**
 * Log-spaced histogram bins used by the rollups (see db/schema.sql, column `metrics.bin`).
 * A value v (in "bin units": ms, or CLS x 1000) falls in bin 0 when v < 1, otherwise in bin
 * b = 1 + floor(ln v / ln RATIO), which covers [RATIO^(b-1), RATIO^b). Reporting the
 * geometric middle of a bin is within sqrt(RATIO) - 1 (about 1%) of any value in it.
 * The SQL generated column must compute exactly this.
 */
export const HISTOGRAM_BIN_RATIO = 1.02;

/** Multiplier from a metric's value to bin units (CLS is binned in thousandths). */
export function binScale(name: MetricName): number {
  return name === 'CLS' ? 1000 : 1;
}

export function binOf(name: MetricName, value: number): number {
  const scaled = value * binScale(name);
  return scaled < 1 ? 0 : 1 + Math.floor(Math.log(scaled) / Math.log(HISTOGRAM_BIN_RATIO));
}

/** Lower and upper edge of a bin, in the metric's own unit. */
export function binEdges(name: MetricName, bin: number): { from: number; to: number } {
  const scale = binScale(name);
  if (bin <= 0) return { from: 0, to: 1 / scale };
  return {
    from: HISTOGRAM_BIN_RATIO ** (bin - 1) / scale,
    to: HISTOGRAM_BIN_RATIO ** bin / scale,
  };
}

/** The value a bin stands for when a percentile is read from bin counts. */
export function binValue(name: MetricName, bin: number): number {
  if (bin <= 0) return 0;
  return HISTOGRAM_BIN_RATIO ** (bin - 0.5) / binScale(name);
}
