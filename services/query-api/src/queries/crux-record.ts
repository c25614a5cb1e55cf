/**
 * The figures behind a CrUX record over one collection period: per metric the sample count,
 * good and poor counts and the p75, and page loads per form factor and per navigation type.
 * Grouped by metric with {@link groupStats} as the Core Web Vitals assessment is, so the
 * question goes to the rollup planFor picks (the overall one for a one-website origin, the
 * page one for a url or an origin among several websites, the device one for a form factor,
 * the page x device one for a url on a form factor, the connection one for an origin on a
 * connection type; raw rows for other combinations, e.g. a url on a connection type).
 */
import type { MetricName } from '@rum/contract';
import {
  groupStats,
  pageLoadsByDay,
  type Filters,
  type PageLoadsQuery,
  type Readers,
  type TimeWindow,
} from '@rum/server-kit/aggregates';
import type { CruxMetricStats } from '../lib/crux-format.ts';

/**
 * A record with at most this many samples (all metrics together) is answered from raw rows
 * with exact percentiles (percentile_cont) rather than from the rollups' bins (within 1%): it
 * costs one more query over at most this many rows, a few ms, where the bins were read.
 */
export const CRUX_EXACT_MAX_SAMPLES = 20_000;

export interface CruxStatsQuery {
  filters: Filters;
  window: TimeWindow;
  metrics: readonly MetricName[];
  /** Exact percentiles from raw rows up to this many samples; default {@link CRUX_EXACT_MAX_SAMPLES}. */
  exactMaxSamples?: number;
  /** Raw rows whatever the count (the caller knows it is small). */
  exact?: boolean;
}

/** Count, good, poor and p75 per metric that has samples in the window. */
export async function queryCruxStats(
  readers: Readers,
  q: CruxStatsQuery,
): Promise<Map<MetricName, CruxMetricStats>> {
  if (q.metrics.length === 0) return new Map();
  const ask = (coarsest?: 'raw') =>
    groupStats<MetricName>(
      readers,
      {
        filters: { ...q.filters, metrics: q.metrics },
        window: q.window,
        groupBy: { column: 'metric' },
        percentiles: [0.75],
        ...(coarsest ? { coarsest } : {}),
      },
      (name) => name,
    );
  let answer = await ask(q.exact ? 'raw' : undefined);
  const samples = answer.rows.reduce((sum, r) => sum + r.count, 0);
  if (answer.source === 'rollup' && samples <= (q.exactMaxSamples ?? CRUX_EXACT_MAX_SAMPLES))
    answer = await ask('raw');
  return new Map(
    answer.rows
      .filter((r) => r.count > 0)
      .map((r) => [
        r.key,
        { count: r.count, good: r.good, poor: r.poor, p75: r.values[0] ?? null },
      ]),
  );
}

/**
 * Page loads per value of `column` (device type or navigation type) in the window, from the
 * page-loads rollups ({@link pageLoadsByDay}).
 */
export async function queryPageLoads(
  readers: Readers,
  q: PageLoadsQuery,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { value, n } of await pageLoadsByDay(readers, q))
    if (value !== null) counts.set(value, (counts.get(value) ?? 0) + n);
  return counts;
}
