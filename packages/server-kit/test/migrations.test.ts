import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPool, type Pool } from '@rum/server-kit';
import { startEmbeddedTimescale, type EmbeddedTimescale } from '@rum/embedded-db';
import {
  loadMigrations,
  migrate,
  migrationStatus,
  refreshRollups,
  rollupViews,
} from '../src/migrations.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';
import { catalogSnapshot, type CatalogSnapshot } from './catalog-snapshot.ts';
import { percentileFromBins } from './percentiles.ts';

/** db/schema.sql of the first release (335d972): what `rum migrate` built before migrations. */
/** The first release's schema (db/schema.sql at 335d972) is migration 0001, byte for byte. */
const FIRST_RELEASE_SCHEMA = new URL('../../../db/migrations/0001_initial.sql', import.meta.url);
/** db/schema.sql before e49d7c1: rollups with TimescaleDB's index per GROUP BY column. */
const GROUP_INDEXES_SCHEMA = new URL('./fixtures/schema-before-e49d7c1.sql', import.meta.url);

const ALL = loadMigrations().map((m) => m.name);

/** A database migrated from nothing: the reference every upgraded one must equal. */
let fresh: TestDatabase;
let freshCatalog: CatalogSnapshot;

before(async () => {
  fresh = await startTestDatabase();
  freshCatalog = await catalogSnapshot(fresh.pool);
});
after(() => fresh?.stop());

/** An embedded database built the way `rum migrate` did before migrations: `schemaFile` run as is. */
async function databaseFrom(schemaFile: URL): Promise<{ db: EmbeddedTimescale; pool: Pool }> {
  const db = await startEmbeddedTimescale();
  const pool = createPool(db.url, 2);
  await pool.query(readFileSync(schemaFile, 'utf8'));
  return { db, pool };
}

/** Two projects, three websites, six pages, 6,000 metrics over 12 days, 60 errors; rollups refreshed. */
async function fillWithData(pool: Pool): Promise<void> {
  await pool.query(`SELECT setseed(0.42)`);
  await pool.query(`
    INSERT INTO projects (slug, name, ingest_key)
    VALUES ('shop', 'Shop', 'pk_shop'), ('blog', 'Blog', 'pk_blog')`);
  await pool.query(`
    INSERT INTO websites (project_id, domain)
    SELECT p.id, d FROM projects p,
           LATERAL unnest(CASE p.slug WHEN 'shop' THEN ARRAY['shop.example', 'm.shop.example']
                                      ELSE ARRAY['blog.example'] END) d`);
  await pool.query(`
    INSERT INTO pages (website_id, path)
    SELECT w.id, path FROM websites w, (VALUES ('/'), ('/about')) AS paths(path)`);
  await pool.query(`
    INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value,
        rating, device_type, browser, os, country)
    SELECT now() - interval '12 days' * random(), w.project_id, w.id, pg.id, 's' || i, n || i, n,
           CASE n WHEN 'LCP' THEN exp(7.5 + 0.6 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))
                  ELSE exp(-3 + 1.0 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())) END,
           'good', (ARRAY['mobile', 'desktop'])[1 + i % 2], (ARRAY['Chrome', 'Firefox', 'Safari'])[1 + i % 3],
           'Linux', (ARRAY['DE', 'FR', 'US'])[1 + i % 3]
      FROM generate_series(1, 2000) i
      CROSS JOIN (VALUES ('LCP'), ('CLS'), ('TTFB')) AS names(n)
      JOIN pages pg ON pg.id = 1 + i % 6
      JOIN websites w ON w.id = pg.website_id`);
  await pool.query(`
    INSERT INTO js_errors (time, project_id, website_id, page_id, session_id, fingerprint, message,
        device_type, browser, os, country)
    SELECT now() - interval '12 days' * random(), w.project_id, w.id, pg.id, 's' || i, 'f' || i % 7,
           'TypeError', 'mobile', 'Chrome', 'Android', 'DE'
      FROM generate_series(1, 60) i
      JOIN pages pg ON pg.id = 1 + i % 6
      JOIN websites w ON w.id = pg.website_id`);
  await refreshRollups(pool);
}

/** Rows per table of events and projects. */
async function rowCounts(pool: Pool): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['projects', 'websites', 'pages', 'metrics', 'js_errors']) {
    counts[table] = (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  }
  return counts;
}

/** The events each rollup counts: every rollup counts every event once. */
async function rollupSamples(pool: Pool): Promise<Record<string, number>> {
  const samples: Record<string, number> = {};
  for (const { view } of await rollupViews(pool)) {
    samples[view] = (
      await pool.query(`SELECT coalesce(sum(samples), 0)::int AS n FROM ${view}`)
    ).rows[0].n;
  }
  return samples;
}

/** The indexes on each rollup's materialization hypertable, TimescaleDB's numbering left out. */
async function rollupIndexes(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ view: string; index: string }>(
    `SELECT c.view_name AS view,
            regexp_replace(i.indexname, '^_materialized_hypertable_\\d+', '<materialization>') AS index
       FROM timescaledb_information.continuous_aggregates c
       JOIN pg_indexes i ON i.schemaname = c.materialization_hypertable_schema
                        AND i.tablename = c.materialization_hypertable_name
      ORDER BY 1, 2`,
  );
  return rows.map((r) => `${r.view}: ${r.index}`);
}

test('a first-release database with data migrates to the current schema: data kept, nothing pending, percentiles right', async () => {
  const { db, pool } = await databaseFrom(FIRST_RELEASE_SCHEMA);
  try {
    await fillWithData(pool);
    const before = await rowCounts(pool);
    assert.equal(before.metrics, 6000);

    // No migrations table but the schema: the first migration is that schema, recorded, not run.
    assert.deepEqual(await migrationStatus(pool), { applied: [ALL[0]], pending: ALL.slice(1) });
    const applied = await migrate(pool);
    assert.deepEqual(
      applied.map((m) => m.name),
      ALL.slice(1),
    );
    assert.deepEqual(await migrationStatus(pool), { applied: ALL, pending: [] });
    assert.deepEqual(await rowCounts(pool), before, 'every row kept');
    assert.deepEqual(await catalogSnapshot(pool), freshCatalog, 'the same schema as a new install');
    // The rollups added since were materialised over the existing events by `migrate` itself.
    const samples = await rollupSamples(pool);
    assert.equal(Object.keys(samples).length, 60);
    // The page loads count TTFB samples (2,000), every other rollup every event.
    for (const [view, n] of Object.entries(samples))
      assert.equal(n, view.includes('_page_loads') ? 2000 : 6000, view);
    // Each project's ingest key moved to ingest_keys (0004) and is still its current key.
    assert.deepEqual(
      (
        await pool.query(
          `SELECT p.slug, k.key, k.expires_at FROM ingest_keys k JOIN projects p ON p.id = k.project_id ORDER BY 1`,
        )
      ).rows,
      [
        { slug: 'blog', key: 'pk_blog', expires_at: null },
        { slug: 'shop', key: 'pk_shop', expires_at: null },
      ],
    );

    await refreshRollups(pool);
    for (const name of ['LCP', 'CLS'] as const) {
      const [exact] = (
        await pool.query<{ v: number }>(
          `SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY value) AS v FROM metrics WHERE name = $1`,
          [name],
        )
      ).rows;
      const bins = (
        await pool.query<{ bin: number; samples: number }>(
          `SELECT bin, sum(samples)::int AS samples FROM metrics_daily_by_page WHERE name = $1 GROUP BY bin ORDER BY bin`,
          [name],
        )
      ).rows;
      const p75 = percentileFromBins(bins, 0.75, name);
      const error = Math.abs(p75 - exact!.v) / exact!.v;
      assert.ok(error < 0.02, `${name} p75: daily page rollup ${p75} vs exact ${exact!.v}`);
    }
  } finally {
    await pool.end();
    await db.stop();
  }
});

test("a database from before e49d7c1 ends with exactly our rollup indexes, not TimescaleDB's per-column ones", async () => {
  const { db, pool } = await databaseFrom(GROUP_INDEXES_SCHEMA);
  try {
    await fillWithData(pool);
    const before = await rowCounts(pool);
    assert.ok(
      (await rollupIndexes(pool)).includes('metrics_hourly: <materialization>_browser_bucket_idx'),
      'the old install has the per-column indexes',
    );

    // 0002 repairs the indexes of the rollups of that time (0006 later replaces the wide ones).
    await migrate(pool, { migrations: loadMigrations().slice(0, 2) });
    assert.deepEqual(await rollupIndexes(pool), [
      'metrics_daily: <materialization>_bucket_idx',
      'metrics_daily: metrics_daily_page_idx',
      'metrics_daily: metrics_daily_project_idx',
      'metrics_daily_overall: <materialization>_bucket_idx',
      'metrics_daily_overall: metrics_daily_overall_project_idx',
      'metrics_hourly: <materialization>_bucket_idx',
      'metrics_hourly: metrics_hourly_page_idx',
      'metrics_hourly: metrics_hourly_project_idx',
      'metrics_hourly_overall: <materialization>_bucket_idx',
      'metrics_hourly_overall: metrics_hourly_overall_project_idx',
    ]);
    await migrate(pool);
    assert.deepEqual(await catalogSnapshot(pool), freshCatalog, 'the same schema as a new install');
    assert.deepEqual(await rowCounts(pool), before, 'every row kept');
    assert.deepEqual(await migrationStatus(pool), { applied: ALL, pending: [] });
  } finally {
    await pool.end();
    await db.stop();
  }
});

test('two migrations at once on a new database both succeed and apply each migration once', async () => {
  const db = await startEmbeddedTimescale();
  const pools = [createPool(db.url, 1), createPool(db.url, 1)];
  try {
    const results = await Promise.all(pools.map((pool) => migrate(pool)));
    assert.deepEqual(
      results
        .flat()
        .map((m) => m.name)
        .sort(),
      ALL,
      'between them, each migration applied by exactly one',
    );
    const { rows } = await pools[0]!.query<{ name: string }>(
      'SELECT name FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ALL,
    );
    assert.deepEqual(await catalogSnapshot(pools[0]!), freshCatalog);
  } finally {
    for (const pool of pools) await pool.end();
    await db.stop();
  }
});

test('a failing migration is rolled back whole and not recorded', async () => {
  const broken = {
    version: ALL.length + 1,
    name: `${String(ALL.length + 1).padStart(4, '0')}_broken`,
    sql: `CREATE TABLE half_applied (id int);
          INSERT INTO half_applied VALUES (1);
          ALTER TABLE websites ADD COLUMN half text;
          SELECT 1 / 0;`,
  };
  const migrations = [...loadMigrations(), broken];
  await assert.rejects(migrate(fresh.pool, { migrations }), /division by zero/);

  const { rows } = await fresh.pool.query<{ table: string | null; columns: number }>(
    `SELECT to_regclass('half_applied')::text AS table,
            (SELECT count(*)::int FROM information_schema.columns
              WHERE table_name = 'websites' AND column_name = 'half') AS columns`,
  );
  assert.deepEqual(rows, [{ table: null, columns: 0 }], 'nothing of it is left');
  assert.deepEqual(await migrationStatus(fresh.pool, { migrations }), {
    applied: ALL,
    pending: [broken.name],
  });
  assert.deepEqual(await catalogSnapshot(fresh.pool), freshCatalog);
});
