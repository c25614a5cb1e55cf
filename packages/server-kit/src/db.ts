import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { EMBEDDED_STATE_FILE, type EmbeddedState } from '@rum/contract';
import type { Config } from './config.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

function embeddedStateFile(dataDir: string): string {
  return join(dataDir, EMBEDDED_STATE_FILE);
}

/** The running embedded server described in the data folder, if its process is alive. */
export function readEmbeddedState(dataDir: string): EmbeddedState | null {
  const file = embeddedStateFile(dataDir);
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedState;
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return null;
  }
}

/**
 * `DATABASE_URL` when set; otherwise the embedded TimescaleDB started by `npm start` or
 * `npx rum db`. Throws a message naming both fixes when there is neither.
 */
export function resolveDatabaseUrl(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (config.databaseUrl) return config.databaseUrl;
  const state = readEmbeddedState(config.dataDir);
  if (state) return state.url;
  throw new Error(
    `DATABASE_URL is not set and no embedded TimescaleDB is running for ${config.dataDir}. ` +
      'Set DATABASE_URL to a TimescaleDB server, or start the embedded one with `npx rum db` (or run everything with `npm start`).',
  );
}

/**
 * Where the query API reads: `DATABASE_READ_URL` (a read replica) when set, otherwise the
 * database everything else uses.
 */
export function resolveReadDatabaseUrl(
  config: Pick<Config, 'databaseReadUrl' | 'databaseUrl' | 'dataDir'>,
): string {
  return config.databaseReadUrl ?? resolveDatabaseUrl(config);
}

/**
 * count(*) is int8 and percentile/avg are float8/numeric, which pg returns as strings: our
 * counts stay far below 2^53, so they are read as numbers. Per pool, not through pg's global
 * parsers, so importing this module changes nothing for anyone else.
 */
const NUMBERS_AS_NUMBERS: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? Number
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** pg pool; numeric and bigint aggregates come back as JS numbers. */
export function createPool(connectionString: string, max = 10): Pool {
  return new pg.Pool({ connectionString, max, types: NUMBERS_AS_NUMBERS });
}

/**
 * Runs `fn` between BEGIN and COMMIT on `client`. On failure, rolls back and rethrows that
 * failure; a failed ROLLBACK is ignored (the connection is likely gone, and the first error
 * is the one that says why).
 */
export async function inTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** {@link inTransaction} on a client checked out of `pool`, released afterwards. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, () => fn(client));
  } finally {
    client.release();
  }
}
