/**
 * What an alert rule on a route reads: the p75 of exactly that route's samples in its window,
 * from the route rollups for a 6-hour window (within 2%, counts exact) and from raw rows for a
 * 5-minute one (exact), on a real embedded TimescaleDB. Another route's samples beside them
 * must not count.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, MINUTE_MS } from '@rum/contract';
import { refreshRollups, type StoredAlertRule } from '@rum/server-kit';
import { RollupCatalog } from '@rum/server-kit/aggregates';
import { startTestDatabase, type TestDatabase } from '@rum/testing';
import { readRule } from '../src/alerts/evaluate-rules.ts';

let db: TestDatabase;
let projectId: number;
const now = Date.now();
/** LCP values per page path and age (ms before `now`). */
const rows: Array<{ path: string; age: number; value: number }> = [];

/** percentile_cont(0.75) of `values`. */
function p75(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = 0.75 * (sorted.length - 1);
  const lo = sorted[Math.floor(rank)]!;
  return lo + (sorted[Math.ceil(rank)]! - lo) * (rank - Math.floor(rank));
}

before(async () => {
  db = await startTestDatabase();
  const { rows: created } = await db.pool.query<{ project: number; website: number }>(
    `WITH p AS (INSERT INTO projects (slug, name) VALUES ('rules', 'rules') RETURNING id)
     INSERT INTO websites (project_id, domain) SELECT id, 'shop.example' FROM p
     RETURNING project_id AS project, id AS website`,
  );
  projectId = created[0]!.project;
  const website = created[0]!.website;
  for (let i = 0; i < 240; i++) {
    // Spread over 5 hours, the last few minutes included (read raw).
    const age = (i * 5 * HOUR_MS) / 240 + 30_000;
    rows.push({ path: `/products/${(i % 3) + 1}`, age, value: 1800 + ((i * 37) % 2400) });
    rows.push({ path: '/about', age, value: 9000 + i });
  }
  await db.pool.query(`INSERT INTO pages (website_id, path) SELECT $1, unnest($2::text[])`, [
    website,
    ['/products/1', '/products/2', '/products/3', '/about'],
  ]);
  await db.pool.query(
    `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
       device_type, browser, os, country)
     SELECT to_timestamp(($1::float8 - r.age) / 1000), $2, $3, pg.id, 's', 'm' || r.i, 'LCP', r.value,
            CASE WHEN r.value <= 2500 THEN 'good' WHEN r.value > 4000 THEN 'poor' ELSE 'needs-improvement' END,
            'mobile', 'Chrome', 'Android', 'DE'
       FROM unnest($4::text[], $5::float8[], $6::float8[]) WITH ORDINALITY AS r(path, age, value, i)
       JOIN pages pg ON pg.website_id = $3 AND pg.path = r.path`,
    [
      now,
      projectId,
      website,
      rows.map((r) => r.path),
      rows.map((r) => r.age),
      rows.map((r) => r.value),
    ],
  );
  await refreshRollups(db.pool);
});

after(() => db?.stop());

function rule(windowName: StoredAlertRule['window_name']): StoredAlertRule {
  return {
    id: 'rule',
    slug: 'rules',
    project_id: projectId,
    metric: 'LCP',
    stat: 'p75',
    threshold: 2500,
    window_name: windowName,
    device: null,
    route: '/products/:id',
    min_samples: 1,
    webhook_url: 'https://hooks.example/rum',
    secret: 'secret',
    created_at: new Date(now),
    state: 'ok',
    state_since: new Date(now),
    streak: 0,
    last_evaluated_at: null,
    last_value: null,
    last_samples: null,
  };
}

for (const [windowName, span, tolerance] of [
  ['6h', 6 * HOUR_MS, 0.02],
  ['5m', 5 * MINUTE_MS, 1e-9],
] as const) {
  test(`a route rule over ${windowName} reads that route's p75 and nothing else`, async () => {
    const readers = { db: db.pool, rollups: new RollupCatalog(db.pool) };
    const reading = await readRule(readers, rule(windowName), now);
    const mine = rows
      .filter((r) => r.path.startsWith('/products/') && r.age <= span)
      .map((r) => r.value);
    assert.ok(mine.length > 0);
    assert.equal(reading.samples, mine.length);
    const exact = p75(mine);
    assert.ok(
      Math.abs(reading.value! - exact) / exact <= tolerance,
      `p75 ${reading.value} vs ${exact}`,
    );
  });
}
