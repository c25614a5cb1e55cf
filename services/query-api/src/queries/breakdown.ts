import type { BreakdownDimension, BreakdownRow, MetricName } from '@rum/contract';
import {
  type Filters,
  type TimeWindow,
  groupStats,
  toGroupStats,
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

/** p75, count and shares of `metric` per value of one dimension, most samples first. */
export async function queryBreakdown(
  readers: Readers,
  q: {
    filters: Filters;
    window: TimeWindow;
    metric: MetricName;
    by: BreakdownDimension;
    limit: number;
  },
): Promise<Answered<BreakdownRow[]>> {
  const { source, rows } = await groupStats<string>(
    readers,
    {
      filters: { ...q.filters, metrics: [q.metric] },
      window: q.window,
      // Every breakdown dimension is a group column of the same name.
      groupBy: { column: q.by },
      percentiles: [0.75],
    },
    () => q.metric,
  );
  const breakdown = rows
    .map((r) => ({
      value: r.key ?? 'unknown',
      ...toGroupStats(q.metric, { ...r, p75: r.values[0] ?? null }),
    }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, q.limit);
  return { source, rows: breakdown };
}
