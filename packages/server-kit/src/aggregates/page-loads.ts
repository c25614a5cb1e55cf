/**
 * Page loads per UTC day and per value of one dimension (device type or navigation type): the
 * counts behind CrUX's `form_factors` and `navigation_types` fractions, which split a record's
 * page loads by one dimension while the record filters by others (a url, a form factor).
 *
 * Read from the page-loads rollup pair (migration 0012: TTFB samples per page, device type and
 * navigation type, no bins) when the filters restrict nothing else, so a history's 40 periods
 * of fractions read a few hundred days of small rows; from raw rows otherwise (a connection type
 * filter). Counts are exact either way.
 */
import type { MetricName } from '@rum/contract';
import { whereClause, type Filters } from './filters.ts';
import { filterDimensions, rollupSource, type Readers } from './group-stats.ts';
import { SqlParams } from './sql-params.ts';
import { DIMENSION_COLUMNS, type RollupDimension } from './sql-identifiers.ts';
import { segments, type TimeWindow } from './window.ts';

/**
 * The metric counted as page loads: web-vitals reports TTFB once per page load, back/forward
 * cache restores and prerenders included. The page-loads rollups hold this metric only.
 */
export const PAGE_LOAD_METRIC: MetricName = 'TTFB';

/** The dimensions the page-loads rollups are keyed by. */
const PAGE_LOAD_DIMENSIONS: ReadonlySet<RollupDimension> = new Set([
  'page',
  'device',
  'navigationType',
]);

export interface PageLoadsQuery {
  /** The record's samples; any `metrics` is replaced by {@link PAGE_LOAD_METRIC}. */
  filters: Filters;
  window: TimeWindow;
  /** The dimension counted per value. */
  column: 'device' | 'navigationType';
}

export interface PageLoadsRow {
  /** Start of the UTC day. */
  day: Date;
  /** The dimension's value (null: a navigation type the SDK did not send). */
  value: string | null;
  n: number;
}

/** Whether the page-loads rollups can answer `filters` (else raw rows). */
export function pageLoadsFromRollup(filters: Filters): boolean {
  return [...filterDimensions(filters)].every((d) => PAGE_LOAD_DIMENSIONS.has(d));
}

/** Page loads per UTC day of the window and per value of `column`. */
export async function pageLoadsByDay(readers: Readers, q: PageLoadsQuery): Promise<PageLoadsRow[]> {
  const filters: Filters = { ...q.filters, metrics: [PAGE_LOAD_METRIC] };
  const source = await rollupSource(readers, 'pageLoads');
  const coarsest = pageLoadsFromRollup(filters) ? 'daily' : 'raw';
  const p = new SqlParams();
  const column = DIMENSION_COLUMNS[q.column];
  const parts = segments(q.window, coarsest, source.marks).map((segment) => {
    const t = source.tables[segment.source];
    const where = whereClause(p, filters, 'm', {
      column: t.time,
      from: segment.from,
      to: segment.to,
    });
    return `SELECT time_bucket(INTERVAL '1 day', m.${t.time}) AS day, m.${column} AS value,
        ${t.samples} AS n FROM ${t.table} m WHERE ${where}`;
  });
  const { rows } = await readers.db.query<PageLoadsRow>(
    `SELECT s.day, s.value, sum(s.n) AS n FROM (${parts.join('\nUNION ALL\n')}) s GROUP BY 1, 2`,
    p.values,
  );
  return rows;
}
