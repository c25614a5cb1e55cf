import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPool, type Pool } from '@rum/server-kit';
import { startEmbeddedTimescale, type EmbeddedTimescale } from '@rum/embedded-db';
import { SCHEMA_PATH, loadMigrations, migrate } from '../src/migrations.ts';
import { catalogSnapshot, type CatalogSnapshot } from './catalog-snapshot.ts';

// db/schema.sql is the readable whole; the migrations are what installs run. They must agree.
let fromMigrations: { db: EmbeddedTimescale; pool: Pool };
let fromSchema: { db: EmbeddedTimescale; pool: Pool };
let migrated: CatalogSnapshot;

async function emptyDatabase() {
  const db = await startEmbeddedTimescale();
  return { db, pool: createPool(db.url, 2) };
}

before(async () => {
  [fromMigrations, fromSchema] = [await emptyDatabase(), await emptyDatabase()];
  await fromSchema.pool.query(readFileSync(SCHEMA_PATH, 'utf8'));
});
after(async () => {
  for (const d of [fromMigrations, fromSchema]) {
    await d?.pool.end();
    await d?.db.stop();
  }
});

test('0002 changes nothing on a database built by 0001', async () => {
  const all = loadMigrations();
  assert.deepEqual(
    all.slice(0, 2).map((m) => m.name),
    ['0001_initial', '0002_rollup_group_indexes'],
  );
  await migrate(fromMigrations.pool, { migrations: all.slice(0, 1) });
  const afterFirst = await catalogSnapshot(fromMigrations.pool);
  const applied = await migrate(fromMigrations.pool, { migrations: all.slice(0, 2) });
  assert.deepEqual(
    applied.map((m) => m.name),
    ['0002_rollup_group_indexes'],
  );
  assert.deepEqual(await catalogSnapshot(fromMigrations.pool), afterFirst);

  await migrate(fromMigrations.pool);
  migrated = await catalogSnapshot(fromMigrations.pool);
});

test('db/schema.sql builds the same catalog as db/migrations', async () => {
  assert.ok(migrated, 'the previous test migrated the database');
  const schema = await catalogSnapshot(fromSchema.pool);
  for (const key of Object.keys(migrated) as (keyof CatalogSnapshot)[]) {
    assert.ok(migrated[key].length > 0, `${key}: the snapshot sees something`);
    assert.deepEqual(
      schema[key],
      migrated[key],
      `${key} differ between db/schema.sql and db/migrations/: a schema change goes in a new migration and in schema.sql`,
    );
  }
});

test('the comparison sees a change of any kind it covers', async () => {
  // Each change, made on the database built from schema.sql inside a rolled-back transaction,
  // must make its snapshot differ from the migrated one in the part named.
  const changes: [keyof CatalogSnapshot, string][] = [
    ['tables', 'CREATE TABLE extra (id int)'],
    ['columns', 'ALTER TABLE websites ADD COLUMN note text'],
    ['columns', 'ALTER TABLE projects ALTER COLUMN rate_limit_per_minute SET DEFAULT 5000'],
    ['columns', 'ALTER TABLE metrics ALTER COLUMN delta SET NOT NULL'],
    ['constraints', `ALTER TABLE pages ADD CONSTRAINT pages_path_slash CHECK (path LIKE '/%')`],
    [
      'indexes',
      'CREATE INDEX metrics_daily_by_country_x_idx ON metrics_daily_by_country (country, bucket DESC)',
    ],
    ['indexes', 'DROP INDEX metrics_page_time_idx'],
    ['dimensions', `SELECT set_chunk_time_interval('js_errors', INTERVAL '2 days')`],
    ['compression', `ALTER TABLE js_errors SET (timescaledb.compress_segmentby = 'website_id')`],
    [
      'continuousAggregates',
      'ALTER MATERIALIZED VIEW metrics_daily_overall SET (timescaledb.materialized_only = true)',
    ],
    [
      'jobs',
      `SELECT alter_job(job_id, schedule_interval => INTERVAL '10 minutes')
         FROM timescaledb_information.jobs
        WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = 'metrics_hourly_by_page'`,
    ],
    ['jobs', `SELECT remove_retention_policy('js_errors')`],
  ];
  const client = await fromSchema.pool.connect();
  try {
    for (const [part, sql] of changes) {
      await client.query('BEGIN');
      try {
        await client.query(sql);
        const changed = await catalogSnapshot(client);
        assert.notDeepEqual(changed[part], migrated[part], `${part} shows: ${sql}`);
      } finally {
        await client.query('ROLLBACK');
      }
    }
    assert.deepEqual(await catalogSnapshot(client), migrated, 'all rolled back');
  } finally {
    client.release();
  }
});
