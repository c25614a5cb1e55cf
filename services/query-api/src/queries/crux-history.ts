/**
 * The figures behind a CrUX history record: per collection period (28 days, a week apart),
 * per metric the count, good and poor samples and p75, and page loads per form factor and per
 * navigation type. Served from the daily rollups: the bin counts of each day of the span
 * ({@link binCountsSql} by `1d` bucket, raw rows only for the partial hours at the ends), summed
 * per period in SQL, so a year of history reads the same ~days x bins rows as one record does,
 * and percentiles come from the period's summed bins (within 1%). Small records (at most
 * {@link CRUX_EXACT_MAX_SAMPLES} samples over the span) are answered exactly from raw rows, as
 * a record is.
 */
import { CRUX_HISTORY_STEP_DAYS, CRUX_PERIOD_DAYS, type MetricName } from '@rum/contract';
import {
  SqlParams,
  binCountsSql,
  planFor,
  rollupSource,
  statsFromBins,
  type BinCount,
  type Filters,
  type Readers,
  type TimeWindow,
} from '@rum/server-kit/aggregates';
import type { CruxMetricStats } from '../lib/crux-format.ts';
import type { Period } from '../lib/crux-key.ts';
import { CRUX_EXACT_MAX_SAMPLES, PAGE_LOAD_METRIC, queryCruxStats } from './crux-record.ts';

/** One window from the first period's start to the last one's end. */
function spanOf(periods: readonly Period[]): TimeWindow {
  return { from: periods[0]!.window.from, to: periods.at(-1)!.window.to, source: 'rollup' };
}

/**
 * Bin counts of one metric per period (key: the period's index), or with `byBin` false one
 * row per period (bin 0) holding its sample count.
 */
async function periodBinCounts(
  readers: Readers,
  filters: Filters & { metrics: readonly MetricName[] },
  periods: readonly Period[],
  byBin: boolean,
): Promise<BinCount<number>[]> {
  const span = spanOf(periods);
  const plan = planFor(filters, { interval: '1d' }, span);
  const source = await rollupSource(readers, plan.source === 'rollup' ? plan.rollup : 'overall');
  const p = new SqlParams();
  const days = binCountsSql(
    p,
    filters,
    span,
    { interval: '1d' },
    source,
    plan.source === 'raw' ? 'raw' : 'daily',
  );
  const from = p.add(periods.map((x) => x.window.from));
  const to = p.add(periods.map((x) => x.window.to));
  const bin = byBin ? 'd.bin' : '0';
  const { rows } = await readers.db.query<BinCount<number>>(
    `SELECT per.i::int - 1 AS key, ${bin} AS bin, sum(d.n) AS n, sum(d.good) AS good, sum(d.poor) AS poor
       FROM (${days}) d
       JOIN unnest(${from}::timestamptz[], ${to}::timestamptz[]) WITH ORDINALITY AS per(lo, hi, i)
         ON d.key >= per.lo AND d.key < per.hi
      GROUP BY 1, 2 ORDER BY 1, 2`,
    p.values,
  );
  return rows;
}

/** Per metric, one entry per period (undefined: no sample in it); metrics without any are left out. */
export async function queryCruxHistoryStats(
  readers: Readers,
  q: {
    filters: Filters;
    periods: readonly Period[];
    metrics: readonly MetricName[];
    exactMaxSamples?: number;
  },
): Promise<Map<MetricName, Array<CruxMetricStats | undefined>>> {
  const perMetric = await Promise.all(
    q.metrics.map(async (metric) => {
      const rows = await periodBinCounts(
        readers,
        { ...q.filters, metrics: [metric] },
        q.periods,
        true,
      );
      const series: Array<CruxMetricStats | undefined> = q.periods.map(() => undefined);
      for (const s of statsFromBins(rows, [0.75], () => metric))
        series[s.key] = { count: s.count, good: s.good, poor: s.poor, p75: s.values[0] ?? null };
      return [metric, series] as const;
    }),
  );
  const samples = perMetric.reduce(
    (sum, [, series]) => sum + series.reduce((n, s) => n + (s?.count ?? 0), 0),
    0,
  );
  const result = new Map(perMetric.filter(([, series]) => series.some((s) => s !== undefined)));
  // A sample lies in at most PERIOD_DAYS / STEP_DAYS (4) periods: this many period samples are
  // at least as many distinct ones as a record answers exactly.
  const limit =
    (q.exactMaxSamples ?? CRUX_EXACT_MAX_SAMPLES) * (CRUX_PERIOD_DAYS / CRUX_HISTORY_STEP_DAYS);
  if (result.size === 0 || samples > limit) return result;
  // Few samples: every period exactly, from raw rows (at most the limit read in all).
  const exact = await Promise.all(
    q.periods.map((period) =>
      queryCruxStats(readers, {
        filters: q.filters,
        window: period.window,
        metrics: [...result.keys()],
        exact: true,
      }),
    ),
  );
  for (const [metric, series] of result)
    exact.forEach((stats, i) => (series[i] = stats.get(metric)));
  return result;
}

/**
 * Page loads per period per value (`values`, each a filter on `dimension`): one count query per
 * value, each from that dimension's rollup (or raw rows when the filters already hold another).
 */
export async function queryHistoryPageLoads(
  readers: Readers,
  q: {
    filters: Filters;
    periods: readonly Period[];
    dimension: 'device' | 'navigationType';
    values: readonly string[];
  },
): Promise<Array<Map<string, number>>> {
  const perPeriod = q.periods.map(() => new Map<string, number>());
  await Promise.all(
    q.values.map(async (value) => {
      const rows = await periodBinCounts(
        readers,
        { ...q.filters, [q.dimension]: value, metrics: [PAGE_LOAD_METRIC] },
        q.periods,
        false,
      );
      for (const r of rows) perPeriod[r.key]!.set(value, r.n);
    }),
  );
  return perPeriod;
}
