/**
 * Group stats from the packed bin rollups (migrations 0021, 0023, 0024) and the packed
 * attribution rollups (0022): each row holds a (bucket, key)'s totals and its bins packed into
 * a bytea, so a window reads a row per (segment bucket, key) instead of a row per (segment
 * bucket, key, bin, rating). The database sums the totals and ranks the keys; the bins of the
 * keys that need percentiles come back concatenated, one bytea per key, and are summed here
 * ({@link orderStatisticBinsOfPacked}).
 *
 * Why outside SQL: summing bins means a row per bin in the executor, at 0.5-1 us a row on a
 * 2-core machine (236,000 rows for a 30-day page list); PostgreSQL has no aggregate that adds
 * arrays element-wise, and an extension of our own cannot be loaded by the embedded engine.
 */
import type { Pool } from '../db.ts';
import { orderStatisticBinsOfPacked, packedEntrySql, type RankedRow } from './bin-percentiles.ts';
import type { TopGroups } from './group-stats.ts';
import type { SqlParams } from './sql-params.ts';

/**
 * `SELECT key, samples, good, poor, bins` of `rows`, a query of `(key, bin, rating)` rows (raw
 * rows, each one sample): one row per key, its bins packed as the packed rollups pack them.
 */
export function packRowsSql(rows: string): string {
  return `SELECT b.key, sum(b.n)::float8 AS samples, sum(b.good)::float8 AS good,
      sum(b.poor)::float8 AS poor, string_agg(${packedEntrySql('b.bin', 'b.n')}, ''::bytea) AS bins
    FROM (SELECT s.key, s.bin, count(*) AS n,
                 count(*) FILTER (WHERE s.rating = 'good') AS good,
                 count(*) FILTER (WHERE s.rating = 'poor') AS poor
            FROM (${rows}) s GROUP BY s.key, s.bin) b
    GROUP BY b.key`;
}

interface PackedTotalsRow<K> {
  key: K;
  count: number;
  good: number;
  poor: number;
  /** The key's packed bins, concatenated; null outside the top. */
  bins: Buffer | null;
}

/**
 * `rows`: a query of `(key, samples, good, poor, bins)` rows, each a packed rollup row or raw
 * rows packed alike, in float8 but for `bins`. Per key, its totals and, for the keys of `top`
 * (every key without one, keys ascending; ties at the edge kept, a NULL key never ranked), its
 * bins.
 */
function packedStatsSql(p: SqlParams, rows: string, top?: TopGroups): string {
  const totals = `SELECT key, sum(samples) AS count, sum(good) AS good, sum(poor) AS poor`;
  if (!top)
    return `${totals}, string_agg(bins, ''::bytea) AS bins FROM (${rows}) r GROUP BY key ORDER BY key`;
  const order = top.by === 'count' ? 't.count DESC' : 't.poor DESC, t.count DESC';
  return `WITH r AS MATERIALIZED (${rows}),
    t AS (${totals} FROM r GROUP BY key),
    k AS (SELECT x.key FROM (SELECT t.key, rank() OVER (ORDER BY ${order}) AS place
                               FROM t WHERE t.key IS NOT NULL) x
           WHERE x.place <= ${p.add(top.limit)})
    SELECT t.key, t.count, t.good, t.poor, b.bins
      FROM t LEFT JOIN (SELECT r.key, string_agg(r.bins, ''::bytea) AS bins
                          FROM r WHERE r.key IN (SELECT key FROM k) GROUP BY r.key) b
        ON b.key = t.key`;
}

/**
 * Per key of `rows` (see {@link packedStatsSql}, parameters in `p`), its totals and, for the keys
 * of `top` (every key without one), the bins of its percentiles' order statistics: what
 * `topStatsOfBins` has the database compute from the bin rollups.
 */
export async function rankedRowsOfPacked<K>(
  db: Pool,
  p: SqlParams,
  rows: string,
  percentiles: readonly number[],
  top?: TopGroups,
): Promise<RankedRow<K>[]> {
  const { rows: keys } = await db.query<PackedTotalsRow<K>>(packedStatsSql(p, rows, top), p.values);
  return keys.map(({ bins, ...totals }) => ({
    ...totals,
    bins: bins === null ? null : orderStatisticBinsOfPacked(bins, totals.count, percentiles),
  }));
}
