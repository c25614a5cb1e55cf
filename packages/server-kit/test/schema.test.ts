import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from './test-database.ts';
import { loadMigrations, migrate, migrationStatus, refreshRollups } from '../src/migrations.ts';
import { percentileCont, percentileFromBins } from './percentiles.ts';

let db: TestDatabase;
before(async () => {
  db = await startTestDatabase();
});
after(() => db?.stop());

const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await db.pool.query<T>(sql, params)).rows;

test('migrating an up-to-date database again applies nothing and adds no policy', async () => {
  assert.deepEqual(await migrate(db.pool), []);
  assert.deepEqual(await migrate(db.pool), []);
  assert.deepEqual(await migrationStatus(db.pool), {
    applied: loadMigrations().map((m) => m.name),
    pending: [],
  });
  const jobs = await q('SELECT job_id FROM timescaledb_information.jobs WHERE job_id >= 1000');
  // A refresh and a retention policy per rollup (32 of bins, 28 packed), compression of both
  // hypertables and of the 14 daily bin rollups, retention of both hypertables and of the
  // hourly attribution and its packed twin.
  assert.equal(jobs.length, 60 + 60 + 2 + 14 + 2 + 2, 'no policy is added twice');
});

test('metrics and js_errors are hypertables on time with 1-day chunks', async () => {
  const dims = await q<{
    hypertable_name: string;
    column_name: string;
    time_interval: { days?: number };
  }>(
    `SELECT hypertable_name, column_name, time_interval FROM timescaledb_information.dimensions ORDER BY hypertable_name`,
  );
  const user = dims.filter((d) => ['metrics', 'js_errors'].includes(d.hypertable_name));
  assert.deepEqual(
    user.map((d) => [d.hypertable_name, d.column_name, d.time_interval.days]),
    [
      ['js_errors', 'time', 1],
      ['metrics', 'time', 1],
    ],
  );
  const hypertables = await q<{ hypertable_name: string; compression_enabled: boolean }>(
    `SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables
      WHERE hypertable_name IN ('metrics', 'js_errors') ORDER BY 1`,
  );
  assert.deepEqual(hypertables, [
    { hypertable_name: 'js_errors', compression_enabled: true },
    { hypertable_name: 'metrics', compression_enabled: true },
  ]);
});

test('the raw tables have exactly the indexes queries read, idempotency keys included', async () => {
  const rows = await q<{ tablename: string; indexdef: string }>(
    `SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('metrics', 'js_errors')`,
  );
  const defs = (table: string) =>
    rows
      .filter((r) => r.tablename === table)
      .map((r) => r.indexdef.replace(/^.* USING btree /, ''))
      .sort();
  // Every index costs every inserted row: one more needs a query that reads it.
  assert.deepEqual(defs('metrics'), [
    '("time" DESC)',
    '(page_id, "time" DESC)',
    '(project_id, name, "time" DESC)',
    '(project_id, session_id, metric_id, "time")',
  ]);
  assert.deepEqual(defs('js_errors'), [
    '("time" DESC)',
    '(page_id, "time" DESC)',
    '(project_id, fingerprint, "time" DESC)',
    '(project_id, session_id, fingerprint, "time")',
  ]);
});

/**
 * The rollups: an hourly and a daily one overall, per dimension, per page and device together,
 * per route, per route and device together, and the page loads (per page, and per connection type); a weekly one for the keys
 * with many values.
 */
const DIMENSIONS = [
  'page',
  'device',
  'browser',
  'os',
  'country',
  'connection',
  'navigation_type',
  'release',
  'page_device',
  'route',
  'route_device',
];
const WEEKLY = ['by_page', 'by_route', 'by_country', 'by_page_device'];
const PAGE_LOADS = ['page_loads', 'page_loads_by_connection'];
/** Every bin rollup's bins are packed too (migrations 0021, 0023, 0024), in `metrics_<tier>_<key>_packed`. */
const PACKED = ['overall', ...DIMENSIONS.map((d) => `by_${d}`)];
const ROLLUPS = ['overall', ...DIMENSIONS.map((d) => `by_${d}`), ...PAGE_LOADS].flatMap((key) =>
  ['hourly', 'daily', ...(WEEKLY.includes(key) ? ['weekly'] : [])].flatMap((tier) => [
    `metrics_${tier}_${key}`,
    ...(PACKED.includes(key) ? [`metrics_${tier}_${key}_packed`] : []),
  ]),
);
const ROLLUP_VIEWS = [...ROLLUPS].sort();
/** The rollups that keep a row per bin (all but the page loads, which count TTFB samples only, and the packed ones). */
const BIN_ROLLUP_VIEWS = ROLLUP_VIEWS.filter(
  (v) => !v.includes('_page_loads') && !v.endsWith('_packed'),
);

test('hourly, daily and weekly rollups are continuous aggregates, each daily one on top of its hourly one, each weekly one on its daily one, each packed one on its bin rollup', async () => {
  const caggs = await q<{ view_name: string; hypertable_name: string; materialized_only: boolean }>(
    `SELECT view_name, hypertable_name, materialized_only FROM timescaledb_information.continuous_aggregates ORDER BY 1`,
  );
  assert.deepEqual(
    caggs.map((c) => c.view_name),
    ROLLUP_VIEWS,
  );
  for (const c of caggs)
    assert.equal(c.materialized_only, false, `${c.view_name}: real-time aggregation on`);
  const hypertableOf = (view: string) => caggs.find((c) => c.view_name === view)!.hypertable_name;
  const parents = await q<{ view_name: string; parent: string | null }>(
    `SELECT ca.user_view_name AS view_name, parent.user_view_name AS parent
       FROM _timescaledb_catalog.continuous_agg ca
       LEFT JOIN _timescaledb_catalog.continuous_agg parent
              ON parent.mat_hypertable_id = ca.parent_mat_hypertable_id`,
  );
  const parentOf = (view: string) => parents.find((c) => c.view_name === view)!.parent;
  for (const view of ROLLUP_VIEWS) {
    if (view.endsWith('_packed')) assert.equal(parentOf(view), view.replace(/_packed$/, ''), view);
    else if (view.startsWith('metrics_hourly_')) {
      assert.equal(hypertableOf(view), 'metrics', view);
      assert.equal(parentOf(view), null, view);
    } else if (view.startsWith('metrics_daily_'))
      assert.equal(parentOf(view), view.replace('_daily_', '_hourly_'), view);
    else assert.equal(parentOf(view), view.replace('_weekly_', '_daily_'), view);
  }

  // Besides the time index: (project, metric, bucket), what every query filters on, and on the
  // per-dimension rollups (project, metric, value, bucket). TimescaleDB's default adds one per
  // GROUP BY column, which every refresh maintains and the planner picked over ours.
  const indexes = await q<{ view_name: string; n: number }>(
    `SELECT c.view_name, count(i.indexname)::int AS n
       FROM timescaledb_information.continuous_aggregates c
       JOIN pg_indexes i ON i.schemaname = c.materialization_hypertable_schema
                        AND i.tablename = c.materialization_hypertable_name
      GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(
    indexes.map((r) => [r.view_name, r.n]),
    ROLLUP_VIEWS.map((v) => [v, /_overall(_packed)?$/.test(v) ? 2 : 3]),
  );
});

test('refresh, compression (7 days) and retention (13 months) policies are scheduled', async () => {
  const jobs = await q<{
    proc_name: string;
    hypertable_name: string;
    config: Record<string, string>;
  }>(
    `SELECT proc_name, hypertable_name, config FROM timescaledb_information.jobs WHERE job_id >= 1000`,
  );
  const find = (proc: string, table: string) =>
    jobs.find((j) => j.proc_name === proc && j.hypertable_name === table);
  for (const view of ROLLUP_VIEWS)
    assert.ok(find('policy_refresh_continuous_aggregate', view), view);
  assert.equal(find('policy_compression', 'metrics')?.config.compress_after, '7 days');
  assert.equal(find('policy_compression', 'js_errors')?.config.compress_after, '7 days');
  assert.equal(find('policy_retention', 'metrics')?.config.drop_after, '1 year 1 mon');
  assert.equal(find('policy_retention', 'js_errors')?.config.drop_after, '1 year 1 mon');
  assert.equal(find('policy_retention', 'attribution_hourly')?.config.drop_after, '32 days');
  assert.equal(find('policy_retention', 'attribution_hourly_packed')?.config.drop_after, '32 days');
  for (const view of ROLLUP_VIEWS.filter((v) => v.startsWith('metrics_hourly_'))) {
    assert.equal(find('policy_retention', view)?.config.drop_after, '1 year 1 mon', view);
  }
  for (const view of ROLLUP_VIEWS.filter((v) => v.startsWith('metrics_daily_'))) {
    // A day is refreshed two hours after it ends (its last hour is in the hourly rollup by then).
    assert.equal(
      find('policy_refresh_continuous_aggregate', view)?.config.end_offset,
      '02:00:00',
      view,
    );
    assert.equal(find('policy_retention', view)?.config.drop_after, '5 years', view);
    // The packed rollups are not compressed (migration 0021 says why).
    const compressAfter = view.endsWith('_packed') ? undefined : '7 days';
    assert.equal(find('policy_compression', view)?.config.compress_after, compressAfter, view);
  }
  for (const view of ROLLUP_VIEWS.filter((v) => v.startsWith('metrics_weekly_'))) {
    assert.equal(find('policy_retention', view)?.config.drop_after, '5 years', view);
    // A week is refreshed three hours after it ends, and again as late events change its days.
    assert.deepEqual(
      [
        find('policy_refresh_continuous_aggregate', view)?.config.start_offset,
        find('policy_refresh_continuous_aggregate', view)?.config.end_offset,
      ],
      ['30 days', '03:00:00'],
      view,
    );
  }
});

test('a re-inserted event is a no-op', async () => {
  const insert = `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
      device_type, browser, os, country)
    VALUES ('2026-11-20T10:00:00Z', 999, 1, 1, 's', 'v5-1', 'LCP', 1200, 'good', 'desktop', 'Chrome', 'Linux', 'FR')
    ON CONFLICT ON CONSTRAINT metrics_idempotency DO NOTHING`;
  await db.pool.query(insert);
  await db.pool.query(insert);
  const [row] = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM metrics WHERE project_id = 999`,
  );
  assert.equal(row!.n, 1);
});

test('a percentile read from the rollups is within 2% of percentile_cont on the same data', async () => {
  // 20,000 log-normal LCP values and CLS scores over 10 days, on 5 pages of one website.
  const { rows: site } = await db.pool.query<{ website: number; page: number }>(`
    WITH pr AS (INSERT INTO projects (slug, name) VALUES ('percentiles', 'percentiles') RETURNING id),
         w AS (INSERT INTO websites (project_id, domain) SELECT id, 'p.example' FROM pr RETURNING id)
    INSERT INTO pages (website_id, path) SELECT w.id, '/' || i FROM w, generate_series(1, 5) i
    RETURNING website_id AS website, id AS page`);
  await db.pool.query(
    `
    INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
        device_type, browser, os, country)
    SELECT now() - interval '10 days' * random(), 7, $1, $2 + (i % 5), 's' || i, 'm' || i, n,
           CASE n WHEN 'LCP' THEN exp(7.5 + 0.6 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))
                  ELSE exp(-3 + 1.0 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())) END,
           'good', 'mobile', 'Chrome', 'Android', 'DE'
    FROM generate_series(1, 10000) i, (VALUES ('LCP'), ('CLS')) AS names(n)`,
    [site[0]!.website, Math.min(...site.map((r) => r.page))],
  );
  await refreshRollups(db.pool);

  for (const name of ['LCP', 'CLS'] as const) {
    const values = (
      await q<{ value: number }>(`SELECT value FROM metrics WHERE project_id = 7 AND name = $1`, [
        name,
      ])
    )
      .map((r) => r.value)
      .sort((a, b) => a - b);
    for (const view of BIN_ROLLUP_VIEWS) {
      const bins = await q<{ bin: number; samples: number }>(
        `SELECT bin, sum(samples)::int AS samples FROM ${view} WHERE project_id = 7 AND name = $1 GROUP BY bin ORDER BY bin`,
        [name],
      );
      assert.equal(
        bins.reduce((s, b) => s + b.samples, 0),
        10_000,
        `${view} counts every ${name} row`,
      );
      for (const p of [0.5, 0.75, 0.95]) {
        const [exact] = await q<{ v: number }>(
          `SELECT percentile_cont($2) WITHIN GROUP (ORDER BY value) AS v FROM metrics WHERE project_id = 7 AND name = $1`,
          [name, p],
        );
        assert.ok(
          Math.abs(exact!.v - percentileCont(values, p)) < 1e-9,
          'percentile_cont as defined',
        );
        const fromRollup = percentileFromBins(bins, p, name);
        const error = Math.abs(fromRollup - exact!.v) / exact!.v;
        assert.ok(
          error < 0.02,
          `${view} ${name} p${p * 100}: rollup ${fromRollup} vs exact ${exact!.v} (${(error * 100).toFixed(2)}%)`,
        );
      }
    }
  }
});

test('the page-loads rollups count TTFB samples per page (or connection type), device type and navigation type', async () => {
  await db.pool.query(`
    INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
        navigation_type, device_type, browser, os, country, connection)
    SELECT now() - interval '3 days' * random(), 8, 1, 1 + (i % 2), 's' || i, n || i, n, 100, 'good',
           (ARRAY['navigate', 'reload', NULL])[1 + i % 3], (ARRAY['mobile', 'desktop'])[1 + i % 2],
           'Chrome', 'Android', 'DE', (ARRAY['4g', '3g', 'wifi', 'unknown'])[1 + i % 4]
    FROM generate_series(1, 600) i, (VALUES ('TTFB'), ('LCP')) AS names(n)`);
  await refreshRollups(db.pool);
  for (const [pair, keyColumn] of [
    ['page_loads', 'page_id'],
    ['page_loads_by_connection', 'connection'],
  ]) {
    const exact = await q(
      `SELECT ${keyColumn} AS key, device_type, navigation_type, count(*)::int AS n FROM metrics
        WHERE project_id = 8 AND name = 'TTFB' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    for (const view of [`metrics_hourly_${pair}`, `metrics_daily_${pair}`]) {
      const rows = await q<{ n: number }>(
        `SELECT ${keyColumn} AS key, device_type, navigation_type, sum(samples)::int AS n FROM ${view}
          WHERE project_id = 8 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
      assert.deepEqual(rows, exact, view);
      assert.equal(
        rows.reduce((sum, r) => sum + r.n, 0),
        600,
        view,
      );
    }
  }
});
