/**
 * Page loads per UTC day and per value of one dimension (device type or navigation type): the
 * counts behind CrUX's `form_factors` and `navigation_types` fractions, which split a record's
 * page loads by one dimension while the record filters by others (a url, a form factor).
 *
 * Counted from the first of these that holds the question: the counted dimension's own bin
 * rollups when nothing else is filtered (an origin of a one-website project: a few rows per day
 * and bin, measured 5 ms for 28 days at 10M events where the page loads' rows of every page
 * took 28 ms); the page-loads pair (migration 0012: TTFB samples per page, device type and
 * navigation type, no bins) when the filters restrict only those dimensions, so a history's 40
 * periods of fractions of a url read a few hundred days of small rows; the pair keyed by
 * connection type instead of page (0016) for a record on a connection type; raw rows otherwise
 * (a page and a connection type together). Counts are exact either way.
 */
import type { MetricName } from '@rum/contract';
import { whereClause, type Filters } from './filters.ts';
import { filterDimensions, rollupSource, segmentTable, type Readers } from './group-stats.ts';
import { SqlParams } from './sql-params.ts';
import { DIMENSION_COLUMNS, type RollupDimension, type RollupKey } from './sql-identifiers.ts';
import { segments, type TimeWindow } from './window.ts';

/**
 * The metric counted as page loads: web-vitals reports TTFB once per page load, back/forward
 * cache restores and prerenders included. The page-loads rollups hold this metric only.
 */
export const PAGE_LOAD_METRIC: MetricName = 'TTFB';

/** The page-loads rollups and the dimensions each is keyed by (besides the counted one). */
const PAGE_LOAD_ROLLUPS: ReadonlyArray<[RollupKey, ReadonlySet<RollupDimension>]> = [
  ['pageLoads', new Set(['page', 'device', 'navigationType'])],
  ['pageLoadsByConnection', new Set(['connection', 'device', 'navigationType'])],
];

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

/** The rollups that count page loads by `column` under `filters`, or raw rows (see the file comment). */
export function pageLoadsSource(
  filters: Filters,
  column: PageLoadsQuery['column'],
): RollupKey | 'raw' {
  const dimensions = filterDimensions(filters);
  if (dimensions.size === 0) return column;
  const fits = PAGE_LOAD_ROLLUPS.find(([, keyed]) => [...dimensions].every((d) => keyed.has(d)));
  return fits?.[0] ?? 'raw';
}

/** Page loads per UTC day of the window and per value of `column`. */
export async function pageLoadsByDay(readers: Readers, q: PageLoadsQuery): Promise<PageLoadsRow[]> {
  const filters: Filters = { ...q.filters, metrics: [PAGE_LOAD_METRIC] };
  const from = pageLoadsSource(filters, q.column);
  const source = await rollupSource(readers, from === 'raw' ? 'pageLoads' : from);
  const coarsest = from === 'raw' ? 'raw' : 'daily';
  const p = new SqlParams();
  const column = DIMENSION_COLUMNS[q.column];
  const parts = segments(q.window, coarsest, source.marks).map((segment) => {
    const t = segmentTable(source, segment.source);
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
