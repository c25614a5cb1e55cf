import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const SCHEMA_PATH = fileURLToPath(new URL('../../../db/schema.sql', import.meta.url));

/** The continuous aggregates, each after the one it is built on. */
export const ROLLUP_VIEWS = [
  'metrics_hourly',
  'metrics_daily',
  'metrics_hourly_overall',
  'metrics_daily_overall',
] as const;

/**
 * Materialises every rollup over all time now, rather than waiting for the refresh policies
 * (which only look a few days back): for tests, benchmarks and back-filled data.
 */
export async function refreshRollups(client: pg.ClientBase | pg.Pool): Promise<void> {
  for (const view of ROLLUP_VIEWS) {
    await client.query(`CALL refresh_continuous_aggregate('${view}', NULL, NULL)`);
  }
}

/** Applies db/schema.sql; idempotent, so it runs on every start. */
export async function migrate(client: pg.ClientBase | pg.Pool): Promise<void> {
  await client.query(readFileSync(SCHEMA_PATH, 'utf8'));
}
