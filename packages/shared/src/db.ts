import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from './config.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** File the embedded TimescaleDB writes while it serves, so other processes can find it. */
export function embeddedStateFile(dataDir: string): string {
  return join(dataDir, 'embedded.json');
}

export interface EmbeddedState {
  url: string;
  pid: number;
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

/** pg pool; numeric and bigint aggregates come back as JS numbers. */
export function createPool(connectionString: string, max = 10): Pool {
  return new pg.Pool({ connectionString, max });
}

// count(*) is int8 and percentile/avg are float8/numeric: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
