/**
 * The figures behind a CrUX history record: per collection period (28 days, a week apart),
 * per metric the count, good and poor samples and p75, and page loads per form factor and per
 * navigation type. Served from the daily rollups: the bin counts of each day of the span
 * ({@link binCountsSql} by `1d` bucket, raw rows only for the partial hours at the ends, from
 * the rollup planFor picks: page x device for a url on a form factor), summed per period in
 * SQL, so a year of history reads the same ~days x bins rows as one record does (a row per day
 * where the key has packed rollups, its bins summed in the query API), and
 * percentiles come from the period's summed bins (within 1%); page loads from the page-loads
 * rollups, a day's counts added to each period holding it. Small records (at most
 * {@link CRUX_EXACT_MAX_SAMPLES} samples over the span) are answered exactly from raw rows, as
 * a record is.
 */
import { CRUX_HISTORY_STEP_DAYS, CRUX_PERIOD_DAYS, type MetricName } from '@rum/contract';
import {
  SqlParams,
  binCountsSql,
  packedRollupFor,
  packedRowsSql,
  pageLoadsByDay,
  planFor,
  rollupSource,
  statsOfBins,
  topStatsOfPacked,
  type GroupStatsRow,
  type Filters,
  type PageLoadsQuery,
  type Readers,
  type TimeWindow,
} from '@rum/server-kit/aggregates';
import type { CruxMetricStats } from '../lib/crux-format.ts';
import type { Period } from '../lib/crux-key.ts';
import { CRUX_EXACT_MAX_SAMPLES, queryCruxStats } from './crux-record.ts';

/** One window from the first period's start to the last one's end. */
function spanOf(periods: readonly Period[]): TimeWindow {
  return { from: periods[0]!.window.from, to: periods.at(-1)!.window.to, source: 'rollup' };
}

/** Stats of one metric per period (key: the period's index). */
async function periodStats(
  readers: Readers,
  filters: Filters & { metrics: readonly MetricName[] },
  periods: readonly Period[],
): Promise<GroupStatsRow<number>[]> {
  const span = spanOf(periods);
  const byDay = { interval: '1d' } as const;
  const plan = planFor(filters, byDay, span);
  const packed = plan.source === 'rollup' ? packedRollupFor(plan.rollup, byDay) : undefined;
  const p = new SqlParams();
  // Periods overlap (28 days, a week apart): the days are first summed per slot between
  // consecutive period boundaries (a week), and each period sums its slots, so the join reads
  // slots (x bins) rows, not days (x bins) x the periods holding each day (7 times more).
  const bounds = [
    ...new Set(periods.flatMap((x) => [x.window.from.getTime(), x.window.to.getTime()])),
  ].sort((a, b) => a - b);
  const slotOf = (ms: number) => bounds.indexOf(ms) + 1; // width_bucket's 1-based slot
  const slot = (day: string) =>
    `width_bucket(${day}, ${p.add(bounds.map((ms) => new Date(ms)))}::timestamptz[])`;
  const first = p.add(periods.map((x) => slotOf(x.window.from.getTime())));
  const end = p.add(periods.map((x) => slotOf(x.window.to.getTime())));
  const inPeriod = `JOIN unnest(${first}::int[], ${end}::int[]) WITH ORDINALITY AS per(first, stop, i)
         ON s.slot >= per.first AND s.slot < per.stop`;
  const metricOf = () => filters.metrics[0]!;
  if (packed) {
    // The packed daily rows (a row per day, migrations 0021 and 0023): each slot's bins
    // concatenated, each period's slots summed by topStatsOfPacked.
    const source = await rollupSource(readers, packed);
    const days = packedRowsSql(p, filters, span, byDay, source, 'daily');
    const rows = `SELECT per.i::int - 1 AS key, s.samples, s.good, s.poor, s.bins
       FROM (SELECT ${slot('d.key')} AS slot, sum(d.samples) AS samples, sum(d.good) AS good,
                    sum(d.poor) AS poor, string_agg(d.bins, ''::bytea) AS bins
               FROM (${days}) d GROUP BY 1) s
       ${inPeriod}`;
    return (await topStatsOfPacked<number>(readers.db, p, rows, [0.75], metricOf)).top;
  }
  const source = await rollupSource(readers, plan.source === 'rollup' ? plan.rollup : 'overall');
  const days = binCountsSql(
    p,
    filters,
    span,
    byDay,
    source,
    plan.source === 'raw' ? 'raw' : 'daily',
  );
  const bins = `SELECT per.i::int - 1 AS key, s.bin, sum(s.n) AS n, sum(s.good) AS good, sum(s.poor) AS poor
       FROM (SELECT ${slot('d.key')} AS slot, d.bin, sum(d.n) AS n, sum(d.good) AS good, sum(d.poor) AS poor
               FROM (${days}) d GROUP BY 1, 2) s
       ${inPeriod}
      GROUP BY 1, 2`;
  return statsOfBins(readers.db, p, bins, [0.75], metricOf);
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
      const stats = await periodStats(readers, { ...q.filters, metrics: [metric] }, q.periods);
      const series: Array<CruxMetricStats | undefined> = q.periods.map(() => undefined);
      for (const s of stats)
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
 * Page loads per period per value of `column`: the days of the whole span in one query (from
 * the page-loads rollups, {@link pageLoadsByDay}), each day added to the periods holding it.
 */
export async function queryHistoryPageLoads(
  readers: Readers,
  q: { filters: Filters; periods: readonly Period[]; column: PageLoadsQuery['column'] },
): Promise<Array<Map<string, number>>> {
  const perPeriod = q.periods.map(() => new Map<string, number>());
  const days = await pageLoadsByDay(readers, { ...q, window: spanOf(q.periods) });
  for (const { day, value, n } of days) {
    if (value === null) continue;
    q.periods.forEach((period, i) => {
      if (day >= period.window.from && day < period.window.to)
        perPeriod[i]!.set(value, (perPeriod[i]!.get(value) ?? 0) + n);
    });
  }
  return perPeriod;
}
