/**
 * Top offenders: a metric's samples grouped by one attribution value (the LCP element or
 * resource URL, the INP target or event type, the CLS shift target), ranked by how many poor
 * samples each accounts for.
 *
 * Raw rows only (no rolled hour or day in the window, or a dimension filter set): exact
 * `percentile_cont`. Otherwise bins summed over raw rows and the packed attribution rollups
 * (within 2%, like the other rollups); there a value outside a day's (or hour's) top
 * {@link ATTRIBUTION_TOP_VALUES} counts under `(other)` for that day (or hour).
 */
import {
  THRESHOLDS,
  type AttributedMetric,
  type AttributionGroup,
  type Source,
} from '@rum/contract';
import { NONE_VALUE, attributionValueSql, ratingSql } from '@rum/server-kit';
import {
  attributionSlices,
  rangesSql,
  readsRollups,
  rolledRowsSql,
} from '../lib/attribution-days.ts';
import {
  whereClause,
  type Filters,
  SqlParams,
  type TimeWindow,
  packRowsSql,
  topStatsOfPacked,
  toGroupStats,
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

export interface AttributionAnswer {
  count: number;
  poor: number;
  unattributed: number;
  groups: AttributionGroup[];
}

interface Group {
  /** NULL: samples without the key. */
  key: string | null;
  count: number;
  p75: number | null;
  good: number;
  poor: number;
}

export async function queryAttribution(
  readers: Readers,
  q: {
    filters: Filters;
    window: TimeWindow;
    metric: AttributedMetric;
    by: string;
    limit: number;
  },
): Promise<Answered<AttributionAnswer>> {
  const slices = await attributionSlices(readers.db, q.filters, q.window);
  const p = new SqlParams();
  const where = whereClause(p, { ...q.filters, metrics: [q.metric] }, 'm');
  const add = (v: unknown) => p.add(v);
  const raw = rangesSql(add, 'm.time', slices.raw);
  const value = attributionValueSql('m', q.by);
  let groups: Group[];
  let source: Source;
  if (!readsRollups(slices)) {
    source = 'raw';
    const { good, poor } = THRESHOLDS[q.metric];
    const { rows } = await readers.db.query<Group>(
      `SELECT v.value AS key, count(*)::int AS count,
              percentile_cont(0.75) WITHIN GROUP (ORDER BY m.value) AS p75,
              count(*) FILTER (WHERE m.value <= ${good})::int AS good,
              count(*) FILTER (WHERE m.value > ${poor})::int AS poor
         FROM metrics m CROSS JOIN LATERAL (SELECT ${value} AS value) v
        WHERE ${where} AND ${raw}
        GROUP BY 1`,
      p.values,
    );
    groups = rows;
  } else {
    source = 'rollup';
    const rows = `${packRowsSql(`SELECT ${value} AS key, m.bin, ${ratingSql('m', q.metric)} AS rating
                                    FROM metrics m WHERE ${where} AND ${raw}`)}
      UNION ALL
      SELECT nullif(r.value, ${p.add(NONE_VALUE)}), r.n,
             CASE WHEN r.rating = 'good' THEN r.n ELSE 0 END,
             CASE WHEN r.rating = 'poor' THEN r.n ELSE 0 END, r.bins
        FROM (${rolledRowsSql(add, slices, { projectId: q.filters.projectId, metric: q.metric, key: q.by })}) r`;
    // Percentiles only for the values that can make the list; the rest count in the totals.
    const stats = await topStatsOfPacked<string | null>(
      readers.db,
      p,
      rows,
      [0.75],
      () => q.metric,
      {
        limit: q.limit,
        by: 'poor',
      },
    );
    groups = [
      ...stats.top.map(({ values, ...g }) => ({ ...g, p75: values[0] ?? null })),
      ...stats.rest.map((g) => ({ ...g, p75: null })),
    ];
  }
  const count = groups.reduce((s, g) => s + g.count, 0);
  const poor = groups.reduce((s, g) => s + g.poor, 0);
  const none = groups.find((g) => g.key === null)?.count ?? 0;
  const ranked = groups
    .filter((g): g is Group & { key: string } => g.key !== null)
    .sort((a, b) => b.poor - a.poor || b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, q.limit)
    .map((g) => ({
      value: g.key,
      ...toGroupStats(q.metric, g),
      poor: g.poor,
      poorShare: poor === 0 ? 0 : g.poor / poor,
    }));
  return {
    source,
    rows: { count, poor, unattributed: count === 0 ? 0 : none / count, groups: ranked },
  };
}
