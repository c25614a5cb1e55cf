import { binEdges, type HistogramBucket, type MetricName } from '@rum/contract';
import {
  type Filters,
  SqlParams,
  type TimeWindow,
  binCountsSql,
  planFor,
  rollupSource,
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

/**
 * Fine histogram bins (ratio 1.02) merged this many at a time into display buckets
 * (ratio 1.02^10, about 22% wide): 30 to 40 bars for a metric's usual spread.
 */
export const BINS_PER_BUCKET = 10;

/**
 * Sample counts of `metric` in log-spaced buckets, from the lowest to the highest non-empty
 * one; empty buckets in between are kept so the bars are contiguous.
 */
export async function queryHistogram(
  readers: Readers,
  q: { filters: Filters; window: TimeWindow; metric: MetricName },
): Promise<Answered<HistogramBucket[]>> {
  const p = new SqlParams();
  const filters = { ...q.filters, metrics: [q.metric] };
  const plan = planFor(filters, undefined, q.window);
  // A raw plan reads one raw segment (coarsest 'raw'); the rollup key then does not matter.
  const source = await rollupSource(readers, plan.source === 'raw' ? 'overall' : plan.rollup);
  const bins = binCountsSql(
    p,
    filters,
    q.window,
    undefined,
    source,
    plan.source === 'raw' ? 'raw' : undefined,
  );
  const { rows } = await readers.db.query<{ bucket: number; count: number }>(
    `SELECT bin / ${BINS_PER_BUCKET} AS bucket, sum(n)::bigint AS count FROM (${bins}) src GROUP BY 1 ORDER BY 1`,
    p.values,
  );
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return { source: plan.source, rows: [] };
  const counts = new Map(rows.map((r) => [r.bucket, r.count]));
  const buckets: HistogramBucket[] = [];
  for (let b = first.bucket; b <= last.bucket; b++) {
    buckets.push({
      from: binEdges(q.metric, b * BINS_PER_BUCKET).from,
      to: binEdges(q.metric, (b + 1) * BINS_PER_BUCKET - 1).to,
      count: counts.get(b) ?? 0,
    });
  }
  return { source: plan.source, rows: buckets };
}
