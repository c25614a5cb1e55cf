/**
 * The aggregate engine behind summary, timeseries, pages, slow-pages and breakdown: per group,
 * the sample count, percentiles and how many samples are good or poor.
 *
 * - Raw windows: exact `percentile_cont` on the hypertable; good/poor from the thresholds
 *   (CrUX edges: good <= good edge, poor > poor edge).
 * - Rollup windows: bin counts summed across the window's segments; a percentile is read
 *   from the cumulative distribution the way percentile_cont reads sorted values (the order
 *   statistics at floor and ceil of p x (n - 1), interpolated), each order statistic taken
 *   as the value of the bin that holds it. Shares come from the `rating` the rollups keep.
 *   Percentiles are never averaged.
 */
import {
  THRESHOLDS,
  binValue,
  rate,
  type GroupStats,
  type Interval,
  type MetricName,
  type RatingShares,
} from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import { whereClause, type Filters } from '../lib/filters.ts';
import { SqlParams } from '../lib/sql-params.ts';
import {
  DIMENSION_COLUMNS,
  INTERVAL_SQL,
  OVERALL_SEGMENT_TABLES,
  SEGMENT_TABLES,
  type GroupColumn,
  type SegmentSource,
} from '../lib/sql-identifiers.ts';
import { segments, type TimeWindow } from '../lib/window.ts';

/** What rows are grouped by: a dimension column, or time buckets of an interval. */
export type GroupBy = { column: GroupColumn } | { interval: Interval };

export interface GroupStatsRow<K> {
  key: K;
  count: number;
  /** One value per requested percentile (same order). */
  values: number[];
  good: number;
  poor: number;
}

export interface GroupStatsQuery {
  filters: Filters & { metrics: readonly MetricName[] };
  window: TimeWindow;
  groupBy: GroupBy;
  /** Fractions, e.g. [0.5, 0.75, 0.95]. */
  percentiles: readonly number[];
  /** Coarsest rollup usable (a time series may not read buckets wider than its interval). */
  coarsest?: SegmentSource;
}

function groupExpression(
  p: SqlParams,
  groupBy: GroupBy,
  alias: string,
  timeColumn: string,
): string {
  if ('column' in groupBy) return `${alias}.${DIMENSION_COLUMNS[groupBy.column]}`;
  return `time_bucket(${p.add(INTERVAL_SQL[groupBy.interval])}::interval, ${alias}.${timeColumn})`;
}

/** True when the rollups over all dimensions can answer: no dimension filter or grouping. */
function needsOnlyOverall(filters: Filters, groupBy: GroupBy | undefined): boolean {
  const { projectId: _project, metrics: _metrics, ...dimensions } = filters;
  const dimensionFilter = Object.values(dimensions).some((f) => f !== undefined);
  const dimensionGroup =
    groupBy !== undefined && 'column' in groupBy && groupBy.column !== 'metric';
  return !dimensionFilter && !dimensionGroup;
}

/**
 * `SELECT key, bin, rating, n` over every segment of the window (UNION ALL); the building
 * block of rollup percentiles and of the histogram. `groupBy` omitted: key is 0.
 */
export function binCountsSql(
  p: SqlParams,
  filters: Filters,
  window: TimeWindow,
  groupBy: GroupBy | undefined,
  coarsest: SegmentSource = 'daily',
): string {
  const tables = needsOnlyOverall(filters, groupBy) ? OVERALL_SEGMENT_TABLES : SEGMENT_TABLES;
  return segments(window, coarsest)
    .map((segment) => {
      const t = tables[segment.source];
      const key = groupBy ? groupExpression(p, groupBy, 'm', t.time) : '0';
      const where = whereClause(p, filters, 'm', {
        column: t.time,
        from: segment.from,
        to: segment.to,
      });
      return `SELECT ${key} AS key, m.bin, m.rating, (${t.samples})::float8 AS n
        FROM ${t.table} m WHERE ${where} GROUP BY 1, 2, 3`;
    })
    .join('\nUNION ALL\n');
}

interface RawRow<K> {
  key: K;
  count: number;
  pcts: number[];
  good: number;
  poor: number;
}

async function rawGroupStats<K>(db: Pool, q: GroupStatsQuery): Promise<GroupStatsRow<K>[]> {
  const p = new SqlParams();
  const names = q.filters.metrics;
  const thresholds = `unnest(${p.add(names)}::text[], ${p.add(names.map((n) => THRESHOLDS[n].good))}::float8[],
    ${p.add(names.map((n) => THRESHOLDS[n].poor))}::float8[]) AS t(name, good, poor)`;
  const key = groupExpression(p, q.groupBy, 'm', 'time');
  const pcts = p.add(q.percentiles);
  const where = whereClause(p, q.filters, 'm', {
    column: 'time',
    from: q.window.from,
    to: q.window.to,
  });
  const { rows } = await db.query<RawRow<K>>(
    `SELECT ${key} AS key, count(*) AS count,
       percentile_cont(${pcts}::float8[]) WITHIN GROUP (ORDER BY m.value) AS pcts,
       count(*) FILTER (WHERE m.value <= t.good) AS good,
       count(*) FILTER (WHERE m.value > t.poor) AS poor
     FROM metrics m JOIN ${thresholds} ON t.name = m.name
     WHERE ${where}
     GROUP BY 1`,
    p.values,
  );
  return rows.map((r) => ({
    key: r.key,
    count: r.count,
    values: r.pcts,
    good: r.good,
    poor: r.poor,
  }));
}

interface RollupRow<K> {
  key: K;
  count: number;
  good: number;
  poor: number;
  lo: number[];
  hi: number[];
}

async function rollupGroupStats<K>(
  db: Pool,
  q: GroupStatsQuery,
  metricOf: (key: K) => MetricName,
): Promise<GroupStatsRow<K>[]> {
  const p = new SqlParams();
  const source = binCountsSql(p, q.filters, q.window, q.groupBy, q.coarsest);
  const pcts = p.add(q.percentiles);
  const { rows } = await db.query<RollupRow<K>>(
    `WITH src AS (${source}),
     per_bin AS (SELECT key, bin, sum(n) AS n FROM src GROUP BY key, bin),
     cum AS (
       SELECT key, bin, sum(n) OVER (PARTITION BY key ORDER BY bin) AS c, sum(n) OVER (PARTITION BY key) AS total
       FROM per_bin),
     picked AS (
       SELECT cum.key, q.i,
         min(cum.bin) FILTER (WHERE cum.c > floor(q.p * (cum.total - 1))) AS lo,
         min(cum.bin) FILTER (WHERE cum.c > ceil(q.p * (cum.total - 1))) AS hi
       FROM cum CROSS JOIN unnest(${pcts}::float8[]) WITH ORDINALITY AS q(p, i)
       GROUP BY cum.key, q.i),
     pct AS (SELECT key, array_agg(lo ORDER BY i) AS lo, array_agg(hi ORDER BY i) AS hi FROM picked GROUP BY key),
     shares AS (
       SELECT key, sum(n)::bigint AS count,
         coalesce(sum(n) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
         coalesce(sum(n) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor
       FROM src GROUP BY key)
     SELECT s.key, s.count, s.good, s.poor, pct.lo, pct.hi FROM shares s JOIN pct USING (key)`,
    p.values,
  );
  return rows.map((r) => {
    const name = metricOf(r.key);
    const values = q.percentiles.map((pc, i) => {
      const rank = pc * (r.count - 1);
      const lo = binValue(name, r.lo[i]!);
      const hi = binValue(name, r.hi[i]!);
      return lo + (hi - lo) * (rank - Math.floor(rank));
    });
    return { key: r.key, count: r.count, values, good: r.good, poor: r.poor };
  });
}

/**
 * Per-group stats for the window, from raw rows or from the rollups as the window says.
 * `metricOf` names the metric a group's bins belong to (the key itself when grouping by metric).
 */
export function groupStats<K>(
  db: Pool,
  q: GroupStatsQuery,
  metricOf: (key: K) => MetricName,
): Promise<GroupStatsRow<K>[]> {
  return q.window.source === 'raw' ? rawGroupStats<K>(db, q) : rollupGroupStats<K>(db, q, metricOf);
}

/** Count, p75, its rating and the shares of one group, as every list route reports them. */
export function toGroupStats(
  metric: MetricName,
  row: Pick<GroupStatsRow<unknown>, 'count' | 'good' | 'poor'> & { p75: number | null },
): GroupStats {
  return {
    count: row.count,
    p75: row.p75,
    rating: row.p75 === null ? null : rate(metric, row.p75),
    shares: ratingShares(row.count, row.good, row.poor),
  };
}

/** Fractions of good / needs-improvement / poor samples; all 0 when there are none. */
export function ratingShares(count: number, good: number, poor: number): RatingShares {
  if (count === 0) return { good: 0, needsImprovement: 0, poor: 0 };
  return {
    good: good / count,
    needsImprovement: (count - good - poor) / count,
    poor: poor / count,
  };
}
