import type { Interval, MetricName, Percentile, TimeseriesPoint } from '@rum/contract';
import {
  type Filters,
  bucketStarts,
  coarsestFor,
  type TimeWindow,
  groupStats,
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

/**
 * One point per `time_bucket(interval)` bucket overlapping the window, oldest first. Buckets
 * without samples are present with `value: null, count: 0`, so a chart shows the gap.
 */
export async function queryTimeseries(
  readers: Readers,
  q: {
    filters: Filters;
    window: TimeWindow;
    metric: MetricName;
    percentile: Percentile;
    interval: Interval;
  },
): Promise<Answered<TimeseriesPoint[]>> {
  const { source, rows } = await groupStats<Date>(
    readers,
    {
      filters: { ...q.filters, metrics: [q.metric] },
      window: q.window,
      groupBy: { interval: q.interval },
      percentiles: [q.percentile / 100],
      coarsest: coarsestFor(q.interval),
    },
    () => q.metric,
  );
  const byStart = new Map(rows.map((r) => [r.key.getTime(), r]));
  const points = bucketStarts(q.window, q.interval).map((start) => {
    const row = byStart.get(start);
    return {
      time: new Date(start).toISOString(),
      value: row?.values[0] ?? null,
      count: row?.count ?? 0,
    };
  });
  return { source, rows: points };
}
