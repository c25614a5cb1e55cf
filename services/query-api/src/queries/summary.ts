import type { MetricName, MetricSummary } from '@rum/contract';
import {
  type Filters,
  type TimeWindow,
  groupStats,
  toGroupStats,
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

const SUMMARY_PERCENTILES = [0.5, 0.75, 0.95] as const;

/** p50/p75/p95, count and shares of each metric; a metric without samples has count 0 and null values. */
export async function querySummary(
  readers: Readers,
  q: { filters: Filters & { metrics: readonly MetricName[] }; window: TimeWindow },
): Promise<Answered<MetricSummary[]>> {
  const { source, rows } = await groupStats<MetricName>(
    readers,
    { ...q, groupBy: { column: 'metric' }, percentiles: SUMMARY_PERCENTILES },
    (name) => name,
  );
  const byName = new Map(rows.map((r) => [r.key, r]));
  const metrics = q.filters.metrics.map((metric) => {
    const row = byName.get(metric);
    const [p50 = null, p75 = null, p95 = null] = row?.values ?? [];
    const stats = toGroupStats(metric, {
      count: row?.count ?? 0,
      good: row?.good ?? 0,
      poor: row?.poor ?? 0,
      p75,
    });
    return {
      metric,
      count: stats.count,
      p50,
      p75,
      p95,
      rating: stats.rating,
      shares: stats.shares,
    };
  });
  return { source, rows: metrics };
}
