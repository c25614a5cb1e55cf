/**
 * topStatsOfBins on the embedded TimescaleDB: with a top, the groups that get percentiles are
 * exactly those ranked within the limit (ties at the edge included, a NULL key never), each
 * with the stats it has without a top; every other group comes back with its totals.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmbeddedTimescale, type EmbeddedTimescale } from '@rum/embedded-db';
import { createPool, type Pool } from '../src/db.ts';
import { SqlParams } from '../src/aggregates/sql-params.ts';
import { statsOfBins, topStatsOfBins, type TopGroups } from '../src/aggregates/group-stats.ts';

let embedded: EmbeddedTimescale;
let pool: Pool;

before(async () => {
  embedded = await startEmbeddedTimescale();
  pool = createPool(embedded.url, 2);
});

after(async () => {
  await pool?.end();
  await embedded?.stop();
});

interface Cell {
  key: string | null;
  bin: number;
  n: number;
  good: number | null;
  poor: number | null;
}

/** 40 keys and the NULL one; counts drawn from few values, so many groups tie on them. */
function cells(seed: number): Cell[] {
  let state = seed;
  const rand = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const out: Cell[] = [];
  for (const key of [null, ...Array.from({ length: 40 }, (_, i) => `k${i}`)]) {
    const bins = 1 + Math.floor(rand() * 3);
    for (let b = 0; b < bins; b++) {
      const n = 1 + Math.floor(rand() * 3);
      const poor = Math.floor(rand() * (n + 1));
      out.push({
        key,
        bin: 50 + Math.floor(rand() * 200),
        n,
        good: rand() < 0.2 ? null : n - poor,
        poor: rand() < 0.2 ? null : poor,
      });
    }
  }
  return out;
}

function binsSql(p: SqlParams, data: Cell[]): string {
  const col = (f: (c: Cell) => unknown) => p.add(data.map(f));
  return `SELECT key, bin, sum(n) AS n, sum(good) AS good, sum(poor) AS poor
    FROM unnest(${col((c) => c.key)}::text[], ${col((c) => c.bin)}::int[], ${col((c) => c.n)}::float8[],
                ${col((c) => c.good)}::float8[], ${col((c) => c.poor)}::float8[]) AS b(key, bin, n, good, poor)
    GROUP BY 1, 2`;
}

test('a top gives percentiles to the ranked groups (ties included), totals to the rest', async () => {
  const data = cells(7);
  const p = new SqlParams();
  const every = await statsOfBins<string | null>(
    pool,
    p,
    binsSql(p, data),
    [0.5, 0.75],
    () => 'LCP',
  );
  const byKey = new Map(every.map((r) => [r.key, r]));
  assert.equal(every.length, 41);
  const keyed = every.filter((r) => r.key !== null);
  let tiedAtEdge = 0;
  for (const by of ['count', 'poor'] as const) {
    const order = (r: { count: number; poor: number }) =>
      by === 'count' ? [r.count] : [r.poor, r.count];
    const beats = (a: number[], b: number[]) => a[0]! - b[0]! || (a[1] ?? 0) - (b[1] ?? 0);
    const ranked = [...keyed].sort((a, b) => beats(order(b), order(a)));
    for (let limit = 1; limit <= 42; limit += 1) {
      const top: TopGroups = { limit, by };
      const q = new SqlParams();
      const answer = await topStatsOfBins<string | null>(
        pool,
        q,
        binsSql(q, data),
        [0.5, 0.75],
        () => 'LCP',
        top,
      );
      const edge = ranked[Math.min(limit, ranked.length) - 1]!;
      const expected = ranked.filter((r) => beats(order(r), order(edge)) >= 0).map((r) => r.key);
      if (expected.length > limit) tiedAtEdge += 1;
      const label = `${by} limit ${limit}`;
      assert.deepEqual(answer.top.map((r) => r.key).sort(), [...expected].sort(), label);
      for (const row of answer.top)
        assert.deepEqual(row, byKey.get(row.key), `${label} ${row.key}`);
      assert.deepEqual(
        answer.rest.map((r) => r.key).sort(),
        every
          .map((r) => r.key)
          .filter((k) => !expected.includes(k))
          .sort(),
        `${label}: the rest, the NULL key among them`,
      );
      for (const row of answer.rest) {
        const { key, count, good, poor } = byKey.get(row.key)!;
        assert.deepEqual(row, { key, count, good, poor }, `${label} ${row.key} totals`);
      }
    }
  }
  assert.ok(tiedAtEdge > 5, `some limits cut through ties (${tiedAtEdge})`);
});
