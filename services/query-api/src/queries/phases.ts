/**
 * Where the time goes: p75 of each LCP subpart or INP phase, over all samples that carry it and
 * over the poor ones. Exact from raw rows, or from bins of raw rows and the packed attribution
 * rollups for the weeks, days and hours they hold (within 2%), as in attribution.ts.
 */
import { PHASES, THRESHOLDS, type PhaseRow, type PhasedMetric, type Source } from '@rum/contract';
import { PHASE_KEY, durationBinSql, phaseColumnsSql, ratingSql } from '@rum/server-kit';
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
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

export async function queryPhases(
  readers: Readers,
  q: { filters: Filters; window: TimeWindow; metric: PhasedMetric },
): Promise<Answered<PhaseRow[]>> {
  const slices = await attributionSlices(readers.db, q.filters, q.window);
  const p = new SqlParams();
  const where = whereClause(p, { ...q.filters, metrics: [q.metric] }, 'm');
  const add = (v: unknown) => p.add(v);
  const raw = rangesSql(add, 'm.time', slices.raw);
  // Each stored row of the window, one row per phase: `value` (the metric's), `phase` and `v`.
  const phases = `(SELECT m.value, ${phaseColumnsSql('m', q.metric)}
                     FROM metrics m WHERE ${where} AND ${raw}) ph`;
  const empty = { count: 0, p75: null };
  const rows = new Map<string, PhaseRow>(
    PHASES[q.metric].map((phase) => [phase, { phase, all: empty, poor: empty }]),
  );
  let source: Source;
  if (!readsRollups(slices)) {
    source = 'raw';
    const poor = `ph.value > ${THRESHOLDS[q.metric].poor}`;
    const { rows: found } = await readers.db.query<{
      phase: string;
      count: number;
      p75: number | null;
      poor_count: number;
      poor_p75: number | null;
    }>(
      `SELECT ph.phase, count(*)::int AS count,
              percentile_cont(0.75) WITHIN GROUP (ORDER BY ph.v) AS p75,
              count(*) FILTER (WHERE ${poor})::int AS poor_count,
              percentile_cont(0.75) WITHIN GROUP (ORDER BY ph.v) FILTER (WHERE ${poor}) AS poor_p75
         FROM ${phases}
        WHERE ph.v IS NOT NULL
        GROUP BY 1`,
      p.values,
    );
    for (const r of found) {
      rows.set(r.phase, {
        phase: r.phase,
        all: { count: r.count, p75: r.p75 },
        poor: { count: r.poor_count, p75: r.poor_p75 },
      });
    }
  } else {
    source = 'rollup';
    // One distribution per phase over all samples (key: the phase) and one over the poor ones
    // (key: the phase and ':poor'), from raw rows packed alike and the packed rollups.
    const keys = (phase: string) =>
      `CROSS JOIN LATERAL (VALUES (${phase}), (CASE WHEN r.rating = 'poor' THEN ${phase} || ':poor' END)) k(key)
       WHERE k.key IS NOT NULL`;
    const raw = `SELECT ph.phase, ${durationBinSql('ph.v')} AS bin, ${ratingSql('ph', q.metric)} AS rating
                   FROM ${phases} WHERE ph.v IS NOT NULL`;
    const rolled = rolledRowsSql(add, slices, {
      projectId: q.filters.projectId,
      metric: q.metric,
      key: PHASE_KEY,
    });
    const packed = `${packRowsSql(`SELECT k.key, r.bin, r.rating FROM (${raw}) r ${keys('r.phase')}`)}
      UNION ALL
      SELECT k.key, r.n, NULL, NULL, r.bins FROM (${rolled}) r ${keys('r.value')}`;
    const stats = new Map(
      (await topStatsOfPacked<string>(readers.db, p, packed, [0.75], () => q.metric)).top.map(
        (r) => [r.key, { count: r.count, p75: r.values[0] ?? null }],
      ),
    );
    for (const phase of PHASES[q.metric]) {
      rows.set(phase, {
        phase,
        all: stats.get(phase) ?? empty,
        poor: stats.get(`${phase}:poor`) ?? empty,
      });
    }
  }
  return { source, rows: [...rows.values()] };
}
