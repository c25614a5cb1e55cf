/**
 * Numbers as CrUX writes them: three-bin histograms with edges at the thresholds (good <= the
 * lower edge, poor > the upper one), densities and fractions rounded to 4 decimals, p75 in
 * whole ms, CLS edges and p75 as strings with two decimals; in a history, a period without
 * data has the density or fraction "NaN" and the p75 null.
 */
import {
  CRUX_FORM_FACTOR_FRACTIONS,
  CRUX_NAVIGATION_TYPES,
  THRESHOLDS,
  type CruxBin,
  type CruxDensity,
  type CruxFractionMetric,
  type CruxHistogramValue,
  type CruxHistoryHistogramValue,
  type MetricName,
} from '@rum/contract';

/** Count, good and poor samples, and the p75 of one metric over one collection period. */
export interface CruxMetricStats {
  count: number;
  good: number;
  poor: number;
  p75: number | null;
}

/** CrUX rounds floating point values to 4 decimals. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** A value as CrUX writes it: whole ms, or a two-decimal string for CLS. */
export function cruxValue(metric: MetricName, value: number): number | string {
  return metric === 'CLS' ? value.toFixed(2) : Math.round(value);
}

/** The three bins' edges: [0, good), [good, poor), [poor, ∞) as CrUX draws them. */
function edges(metric: MetricName): Array<Omit<CruxBin, 'density'>> {
  const { good, poor } = THRESHOLDS[metric];
  const v = (x: number) => cruxValue(metric, x);
  return [{ start: v(0), end: v(good) }, { start: v(good), end: v(poor) }, { start: v(poor) }];
}

function densities(s: CruxMetricStats): [number, number, number] {
  return [s.good / s.count, (s.count - s.good - s.poor) / s.count, s.poor / s.count];
}

export function histogramValue(metric: MetricName, s: CruxMetricStats): CruxHistogramValue {
  const d = densities(s);
  return {
    histogram: edges(metric).map((e, i) => ({ ...e, density: round4(d[i]!) })),
    percentiles: { p75: cruxValue(metric, s.p75!) },
  };
}

/** A metric's history; `periods` holds one entry per collection period, undefined without data. */
export function histogramTimeseries(
  metric: MetricName,
  periods: ReadonlyArray<CruxMetricStats | undefined>,
): CruxHistoryHistogramValue {
  const ds = periods.map((s) => (s && s.count > 0 ? densities(s) : undefined));
  return {
    histogramTimeseries: edges(metric).map((e, i) => ({
      ...e,
      densities: ds.map((d): CruxDensity => (d ? round4(d[i]!) : 'NaN')),
    })),
    percentilesTimeseries: {
      p75s: periods.map((s) =>
        s && s.count > 0 && s.p75 !== null ? cruxValue(metric, s.p75) : null,
      ),
    },
  };
}

/**
 * Our value of a fraction metric's dimension (device type, navigation type) to CrUX's key;
 * values CrUX has no key for (samples without a navigation type) are left out.
 */
const CRUX_KEY_OF: Readonly<Record<CruxFractionMetric, Readonly<Record<string, string>>>> = {
  form_factors: { mobile: 'phone', tablet: 'tablet', desktop: 'desktop' },
  navigation_types: {
    navigate: 'navigate',
    reload: 'reload',
    restore: 'restore',
    'back-forward': 'back_forward',
    'back-forward-cache': 'back_forward_cache',
    prerender: 'prerender',
  },
};

const CRUX_KEYS: Readonly<Record<CruxFractionMetric, readonly string[]>> = {
  form_factors: CRUX_FORM_FACTOR_FRACTIONS,
  navigation_types: CRUX_NAVIGATION_TYPES,
};

/**
 * Page loads per CrUX key (every key present, 0 when none; `navigate_cache`, a navigation
 * served from the HTTP cache, is not told apart from `navigate` by the browser APIs we read).
 */
export function cruxCounts(
  metric: CruxFractionMetric,
  counts: ReadonlyMap<string, number>,
): Map<string, number> {
  const out = new Map(CRUX_KEYS[metric].map((k) => [k, 0]));
  for (const [value, n] of counts) {
    const key = CRUX_KEY_OF[metric][value];
    if (key !== undefined) out.set(key, (out.get(key) ?? 0) + n);
  }
  return out;
}

/** Fractions of the total per key, or undefined when there is no page load at all. */
export function fractions(
  metric: CruxFractionMetric,
  counts: ReadonlyMap<string, number>,
): Record<string, number> | undefined {
  const byKey = cruxCounts(metric, counts);
  const total = [...byKey.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  return Object.fromEntries([...byKey].map(([k, n]) => [k, round4(n / total)]));
}

/** A fraction metric's history: per key, one fraction per period ("NaN" without data). */
export function fractionTimeseries(
  metric: CruxFractionMetric,
  periods: ReadonlyArray<ReadonlyMap<string, number>>,
): Record<string, { fractions: CruxDensity[] }> {
  const perPeriod = periods.map((counts) => fractions(metric, counts));
  return Object.fromEntries(
    CRUX_KEYS[metric].map((k) => [
      k,
      { fractions: perPeriod.map((f): CruxDensity => (f ? f[k]! : 'NaN')) },
    ]),
  );
}
