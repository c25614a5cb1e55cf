/**
 * The aggregate engine behind summary, timeseries, pages, slow-pages, breakdown and histogram:
 * per group, the sample count, percentiles and how many samples are good or poor.
 *
 * Which relation answers is the question's plan ({@link planFor}):
 * - Raw: exact `percentile_cont` on the hypertable; good/poor from the thresholds (CrUX edges:
 *   good <= good edge, poor > poor edge). For windows of an hour or less, and for questions
 *   that combine two dimensions (but page and device, the one pair of two: {@link planFor}).
 * - Rollup: bin counts summed across the window's segments (raw rows for the partial hours at
 *   its ends, the hourly rollup for partial days, the daily one for whole days), from the
 *   overall rollups when no dimension is involved, else from that one dimension's (or the
 *   page x device pair's). A percentile is read from the cumulative distribution the way
 *   percentile_cont reads sorted values (the order statistics at floor and ceil of
 *   p x (n - 1), interpolated), each order statistic taken as the value of the bin that holds
 *   it; the database finds those bins ({@link statsOfBins}), so each group comes back as one
 *   row. Shares come from the `rating` the rollups keep. Percentiles are never averaged.
 * - Packed: the same bins and the same percentiles from each bin rollup's packed twin (a row
 *   per bucket and key rather than per bucket, key, bin and rating), summed in packed-bins.ts;
 *   only page rows grouped by route (and the histogram) still read bin rows.
 */
import {
  THRESHOLDS,
  rate,
  type GroupStats,
  type Interval,
  type MetricName,
  type RatingShares,
  type Source,
} from '@rum/contract';
import type { Pool } from '../db.ts';
import { valuesAtBins, type RankedRow } from './bin-percentiles.ts';
import { whereClause, type Filters } from './filters.ts';
import type { RollupCatalog, RollupTables } from './rollup-catalog.ts';
import { packRowsSql, rankedRowsOfPacked } from './packed-bins.ts';
import { SqlParams } from './sql-params.ts';
import {
  DIMENSION_COLUMNS,
  INTERVAL_SQL,
  PACKED_ROLLUPS,
  ROUTE_KEYED,
  routeKey,
  type BinRollupKey,
  type GroupColumn,
  type PackedRollupKey,
  type RollupDimension,
  type RollupKey,
  type SegmentSource,
  type SegmentTable,
} from './sql-identifiers.ts';
import { segments, type Segment, type TimeWindow, type Watermarks } from './window.ts';

/** What the aggregate queries read: the pool, and where the rollups are (the app has both). */
export interface Readers {
  db: Pool;
  rollups: RollupCatalog;
}

/** The relations of one rollup key and how far they are materialised. */
export interface RollupSource {
  tables: RollupTables;
  marks: Watermarks;
}

/** The relation a segment of `source` reads (segments are weekly only where the key has a weekly rollup). */
export function segmentTable(source: RollupSource, segment: SegmentSource): SegmentTable {
  const table = source.tables[segment];
  if (!table) throw new Error(`no ${segment} rollup to read`);
  return table;
}

export async function rollupSource(readers: Readers, key: RollupKey): Promise<RollupSource> {
  const [tables, marks] = await Promise.all([
    readers.rollups.tables(key),
    readers.rollups.watermarks(key),
  ]);
  return { tables, marks };
}

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
  /**
   * Only these groups are shown: the answer may leave out groups that cannot be among them
   * (it keeps ties at the edge), sparing the rollups' percentiles of the rest.
   */
  top?: TopGroups;
}

/** The answer and where it came from (`raw` rows or `rollup`s), for the response's `source`. */
export interface Answered<T> {
  source: Source;
  rows: T;
}

/** How a question is answered: raw rows, or the bin rollups of one key. */
export type Plan = { source: 'raw' } | { source: 'rollup'; rollup: BinRollupKey };

const FILTER_DIMENSIONS = [
  'device',
  'browser',
  'country',
  'connection',
  'navigationType',
  'release',
] as const;

/** The dimensions `filters` restrict (the page one for a page or route filter). */
export function filterDimensions(filters: Filters): Set<RollupDimension> {
  const dimensions = new Set<RollupDimension>(
    FILTER_DIMENSIONS.filter((d) => filters[d] !== undefined),
  );
  if (filters.pageIds !== undefined) dimensions.add('page');
  return dimensions;
}

/**
 * Raw rows for short windows (and time buckets under an hour); otherwise the rollups of the one
 * dimension the question filters or groups by (the overall ones when none; the route ones when
 * its pages are whole routes), the page x device pair for exactly those two (a CrUX url or
 * multi-website origin on one form factor; migration 0012 says why that pair alone; the route x
 * device pair when the pages are whole routes), or raw rows for any other two.
 */
export function planFor(
  filters: Filters,
  groupBy: GroupBy | undefined,
  window: TimeWindow,
  coarsest: SegmentSource = 'weekly',
): Plan {
  if (window.source === 'raw' || coarsest === 'raw') return { source: 'raw' };
  const dimensions = filterDimensions(filters);
  if (groupBy && 'column' in groupBy && groupBy.column !== 'metric')
    dimensions.add(groupBy.column === 'route' ? 'page' : groupBy.column);
  const pageDevice = dimensions.size === 2 && dimensions.has('page') && dimensions.has('device');
  if (dimensions.size === 1 && dimensions.has('page') && routesOnly(filters, groupBy))
    return { source: 'rollup', rollup: 'route' };
  if (pageDevice && routesOnly(filters, groupBy))
    return { source: 'rollup', rollup: 'routeDevice' };
  if (pageDevice) return { source: 'rollup', rollup: 'pageDevice' };
  if (dimensions.size > 1) return { source: 'raw' };
  const [dimension] = dimensions;
  return { source: 'rollup', rollup: dimension ?? 'overall' };
}

const byRoute = (groupBy: GroupBy | undefined): boolean =>
  groupBy !== undefined && 'column' in groupBy && groupBy.column === 'route';

/** True when a question's pages are whole routes: a route filter (without a page one) or route groups, not pages. */
const routesOnly = (filters: Filters, groupBy: GroupBy | undefined): boolean =>
  (filters.pageIds === undefined || filters.route !== undefined) &&
  !(groupBy !== undefined && 'column' in groupBy && groupBy.column === 'page');

/** The key of a row of `alias`; grouped by route, its page (joined to `pages` afterwards). */
function groupExpression(
  p: SqlParams,
  groupBy: GroupBy,
  alias: string,
  timeColumn: string,
): string {
  if ('column' in groupBy) {
    if (groupBy.column === 'route') return `${alias}.page_id`;
    return `${alias}.${DIMENSION_COLUMNS[groupBy.column]}`;
  }
  return `time_bucket(${p.add(INTERVAL_SQL[groupBy.interval])}::interval, ${alias}.${timeColumn})`;
}

/**
 * One `SELECT key, <columns> FROM <relation> m WHERE ...` per segment of the window, each
 * reading the relation `source` has for it; `columns` names what a row of that relation gives.
 */
function segmentRowsSql(
  p: SqlParams,
  filters: Filters,
  window: TimeWindow,
  groupBy: GroupBy | undefined,
  source: RollupSource,
  coarsest: SegmentSource,
  columns: (t: SegmentTable, segment: Segment) => string,
): Array<{ segment: Segment; sql: string }> {
  // Route groups from the route rollups are keyed there already (raw rows join their pages);
  // from page rows, each page's route is joined once the pages are summed.
  const routeRows = source.tables.daily.byRoute === true;
  return segments(window, coarsest, source.marks).map((segment) => {
    const t = segmentTable(source, segment.source);
    const joinPages = routeRows && byRoute(groupBy) && !t.byRoute;
    let key = groupBy ? groupExpression(p, groupBy, 'm', t.time) : '0';
    if (routeRows && byRoute(groupBy)) key = routeKey(t.byRoute ? 'm' : 'pg');
    const where = whereClause(
      p,
      filters,
      'm',
      { column: t.time, from: segment.from, to: segment.to },
      t.byRoute,
    );
    const sql = `SELECT ${key} AS key, ${columns(t, segment)} FROM ${t.table} m
      ${joinPages ? 'JOIN pages pg ON pg.id = m.page_id' : ''} WHERE ${where}`;
    return { segment, sql };
  });
}

/**
 * `SELECT key, bin, n, good, poor`: the samples of each bin (and how many of them are rated
 * good and poor) summed over every segment of the window, from `source`'s rollups: the
 * building block of rollup percentiles and of the histogram. `groupBy` omitted: key is 0.
 * One aggregation over the union of the segments' rows (rollup rows carry their count, a raw
 * row counts 1), in float8: a GROUP BY per segment, or sums of bigint (numeric), measured 2 to
 * 3 times slower.
 */
export function binCountsSql(
  p: SqlParams,
  filters: Filters,
  window: TimeWindow,
  groupBy: GroupBy | undefined,
  source: RollupSource,
  coarsest: SegmentSource = 'weekly',
): string {
  const parts = segmentRowsSql(
    p,
    filters,
    window,
    groupBy,
    source,
    coarsest,
    (t) => `m.bin, m.rating, ${t.samples} AS n`,
  );
  const union = `(${parts.map((part) => part.sql).join('\nUNION ALL\n')}) s`;
  const [key, from] =
    byRoute(groupBy) && !source.tables.daily.byRoute
      ? [routeKey('pg'), `${union} JOIN pages pg ON pg.id = s.key`]
      : ['s.key', union];
  return `SELECT ${key} AS key, s.bin, sum(s.n) AS n, sum(s.n) FILTER (WHERE s.rating = 'good') AS good,
      sum(s.n) FILTER (WHERE s.rating = 'poor') AS poor
    FROM ${from} GROUP BY 1, 2`;
}

/**
 * The packed rollups that answer for `rollup`'s bin rollups grouped by `groupBy`: none when
 * page rows are grouped by route (summed per route after their pages are joined, from bin rows).
 */
export function packedRollupFor(
  rollup: BinRollupKey,
  groupBy: GroupBy | undefined,
): PackedRollupKey | undefined {
  if (byRoute(groupBy) && !ROUTE_KEYED.has(rollup)) return undefined;
  return PACKED_ROLLUPS[rollup];
}

/**
 * `SELECT key, samples, good, poor, bins` (see packed-bins.ts): the rows of `source`, a packed
 * rollup ({@link packedRollupFor}), for each rolled segment of the window, and the raw rows of
 * the others packed alike, one row per key.
 */
export function packedRowsSql(
  p: SqlParams,
  filters: Filters,
  window: TimeWindow,
  groupBy: GroupBy,
  source: RollupSource,
  coarsest: SegmentSource = 'weekly',
): string {
  const parts = segmentRowsSql(p, filters, window, groupBy, source, coarsest, (_t, segment) =>
    segment.source === 'raw'
      ? 'm.bin, m.rating'
      : 'm.samples::float8 AS samples, m.good::float8 AS good, m.poor::float8 AS poor, m.bins',
  );
  const rolled = parts.filter((part) => part.segment.source !== 'raw').map((part) => part.sql);
  const raw = parts.filter((part) => part.segment.source === 'raw').map((part) => part.sql);
  if (raw.length > 0) rolled.push(packRowsSql(raw.join('\nUNION ALL\n')));
  return rolled.join('\nUNION ALL\n');
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
  const route = byRoute(q.groupBy);
  const key = route ? routeKey('pg') : groupExpression(p, q.groupBy, 'm', 'time');
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
       ${route ? 'JOIN pages pg ON pg.id = m.page_id' : ''}
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

/**
 * Which groups a list shows: the first `limit` by `by` (descending: the most samples, or the
 * most poor samples and then the most samples). Only those groups need their percentiles.
 */
export interface TopGroups {
  limit: number;
  by: 'count' | 'poor';
}

/** A group outside the {@link TopGroups}: its totals only. */
export type GroupTotals<K> = Pick<GroupStatsRow<K>, 'key' | 'count' | 'good' | 'poor'>;

/**
 * Per key of `bins` (a {@link binCountsSql}), the count, good and poor samples and, per
 * percentile, the bins of the order statistics at floor and ceil of p x (n - 1): the bin where
 * the running count first exceeds the rank. Computed in the database with a running sum, so a
 * group's answer is one row however many bins it fills (a 30-day page list is 300 rows, not
 * the 75,000 (page, bin) rows to parse).
 *
 * With `top`, the running sums (a sort of every (key, bin) cell) are computed only for the keys
 * ranked within the first `top.limit` (ties at the edge included, so the caller's own order,
 * labels breaking ties, still has every candidate); a NULL key is never ranked. The other keys
 * come back with their totals and `bins` NULL. A 30-day list of 50 pages out of 300 sorts the
 * cells of those 50 rather than of all 300.
 */
function rankedBinsSql(
  p: SqlParams,
  bins: string,
  percentiles: readonly number[],
  top?: TopGroups,
): string {
  const ranks = percentiles.flatMap((pc) => {
    const rank = `${p.add(pc)}::float8 * (c.total - 1)`;
    return [`floor(${rank})`, `ceil(${rank})`].map((r) => `min(c.bin) FILTER (WHERE c.cum > ${r})`);
  });
  const ranked = (
    cells: string,
  ) => `SELECT c.key, max(c.total) AS count, coalesce(sum(c.good), 0) AS good,
      coalesce(sum(c.poor), 0) AS poor, ARRAY[${ranks.join(', ')}]::int[] AS bins
    FROM (SELECT b.key, b.bin, b.good, b.poor,
                 sum(b.n) OVER (PARTITION BY b.key ORDER BY b.bin ROWS UNBOUNDED PRECEDING) AS cum,
                 sum(b.n) OVER (PARTITION BY b.key) AS total
            FROM ${cells}) c
    GROUP BY c.key`;
  if (!top) return `${ranked(`(${bins}) b`)} ORDER BY c.key`;
  const order = top.by === 'count' ? 't.count DESC' : 't.poor DESC, t.count DESC';
  return `WITH b AS MATERIALIZED (${bins}),
    t AS (SELECT key, sum(n) AS count, coalesce(sum(good), 0) AS good, coalesce(sum(poor), 0) AS poor
            FROM b GROUP BY key),
    k AS (SELECT r.key FROM (SELECT t.key, rank() OVER (ORDER BY ${order}) AS place
                               FROM t WHERE t.key IS NOT NULL) r
           WHERE r.place <= ${p.add(top.limit)})
    ${ranked('b WHERE b.key IN (SELECT key FROM k)')}
    UNION ALL
    SELECT t.key, t.count, t.good, t.poor, NULL FROM t
     WHERE t.key IS NULL OR t.key NOT IN (SELECT key FROM k)`;
}

/**
 * Count, good, poor and percentiles per key of `bins`, a query of `(key, bin, n, good, poor)`
 * rows (a {@link binCountsSql}, or any sum of bins) with its parameters in `p`, keys ascending.
 * `metricOf` names the metric whose bins a key's are.
 */
export async function statsOfBins<K>(
  db: Pool,
  p: SqlParams,
  bins: string,
  percentiles: readonly number[],
  metricOf: (key: K) => MetricName,
): Promise<GroupStatsRow<K>[]> {
  return (await topStatsOfBins(db, p, bins, percentiles, metricOf)).top;
}

/**
 * {@link statsOfBins} for a list of the {@link TopGroups} `top`: the stats of the keys that can
 * be among them (unordered), and the totals of the others. Without `top`, every key is in `top`.
 */
export async function topStatsOfBins<K>(
  db: Pool,
  p: SqlParams,
  bins: string,
  percentiles: readonly number[],
  metricOf: (key: K) => MetricName,
  top?: TopGroups,
): Promise<{ top: GroupStatsRow<K>[]; rest: GroupTotals<K>[] }> {
  const { rows } = await db.query<RankedRow<K>>(rankedBinsSql(p, bins, percentiles, top), p.values);
  return statsOfRanked(rows, percentiles, metricOf);
}

/**
 * {@link topStatsOfBins} for `rows`, a query of packed rows `(key, samples, good, poor, bins)`
 * (the packed rollups', or raw rows packed by `packRowsSql`): the same answer from the same bins.
 */
export async function topStatsOfPacked<K>(
  db: Pool,
  p: SqlParams,
  rows: string,
  percentiles: readonly number[],
  metricOf: (key: K) => MetricName,
  top?: TopGroups,
): Promise<{ top: GroupStatsRow<K>[]; rest: GroupTotals<K>[] }> {
  const ranked = await rankedRowsOfPacked<K>(db, p, rows, percentiles, top);
  return statsOfRanked(ranked, percentiles, metricOf);
}

/** The stats of the ranked rows (with their bins), and the totals of the others. */
function statsOfRanked<K>(
  rows: RankedRow<K>[],
  percentiles: readonly number[],
  metricOf: (key: K) => MetricName,
): { top: GroupStatsRow<K>[]; rest: GroupTotals<K>[] } {
  const answer: { top: GroupStatsRow<K>[]; rest: GroupTotals<K>[] } = { top: [], rest: [] };
  for (const { key, count, good, poor, bins } of rows) {
    if (bins === null) answer.rest.push({ key, count, good, poor });
    else
      answer.top.push({
        key,
        count,
        good,
        poor,
        values: valuesAtBins(metricOf(key), count, bins, percentiles),
      });
  }
  return answer;
}

async function rollupGroupStats<K>(
  readers: Readers,
  q: GroupStatsQuery,
  rollup: BinRollupKey,
  metricOf: (key: K) => MetricName,
): Promise<GroupStatsRow<K>[]> {
  const p = new SqlParams();
  const packed = packedRollupFor(rollup, q.groupBy);
  if (packed) {
    const source = await rollupSource(readers, packed);
    const rows = packedRowsSql(p, q.filters, q.window, q.groupBy, source, q.coarsest);
    return (await topStatsOfPacked(readers.db, p, rows, q.percentiles, metricOf, q.top)).top;
  }
  const source = await rollupSource(readers, rollup);
  const bins = binCountsSql(p, q.filters, q.window, q.groupBy, source, q.coarsest);
  return (await topStatsOfBins(readers.db, p, bins, q.percentiles, metricOf, q.top)).top;
}

/**
 * Per-group stats for the window, from raw rows or from the rollups as {@link planFor} says.
 * `metricOf` names the metric a group's bins belong to (the key itself when grouping by metric).
 */
export async function groupStats<K>(
  readers: Readers,
  q: GroupStatsQuery,
  metricOf: (key: K) => MetricName,
): Promise<Answered<GroupStatsRow<K>[]>> {
  const plan = planFor(q.filters, q.groupBy, q.window, q.coarsest);
  const rows =
    plan.source === 'raw'
      ? await rawGroupStats<K>(readers.db, q)
      : await rollupGroupStats<K>(readers, q, plan.rollup, metricOf);
  return { source: plan.source, rows };
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
