import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inTransaction } from './db.ts';

/**
 * Versioned migrations: `db/migrations/NNNN_name.sql`, applied in order, each in its own
 * transaction, recorded in `schema_migrations`. Every schema change is a new file, so it reaches
 * every existing install; `db/schema.sql` is the readable whole, kept equal to what these
 * produce by test/schema-sync.test.ts.
 *
 * Our own runner rather than node-pg-migrate (9): node-pg-migrate excludes a second migrator
 * with a session-level `pg_try_advisory_lock` taken before it reads the applied set, and fails
 * ("Another migration is already running") instead of waiting. On the embedded TimescaleDB every
 * client connection is the same PGlite session behind our wire server, so a session lock
 * excludes nobody there, and both migrators would read the same applied set and run the same
 * migration; on a real server two `rum start` at once would fail rather than wait. Here each
 * migration's transaction takes `pg_advisory_xact_lock` and re-reads the applied set under it,
 * which is correct on both engines (the wire server also gives a client the engine exclusively
 * for the length of a transaction). The runner is small: plain SQL files, no down migrations.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/migrations/', import.meta.url));

/** The readable whole schema; not applied by `rum migrate` (tests compare it with the migrations). */
export const SCHEMA_PATH = fileURLToPath(new URL('../../../db/schema.sql', import.meta.url));

/** Key of the transaction-level advisory lock every migration step takes ("rum-migr" in ASCII). */
const MIGRATION_LOCK_KEY = 0x72756d2d6d696772n;

/** The first migration: today's schema of the installs made before migrations existed. */
const BASELINE_VERSION = 1;

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The continuous aggregates (rollups) of the database, each after the one it is built on
 * (hourly rollups read `metrics`, daily ones an hourly one, weekly ones a daily one: a rollup's
 * materialization hypertable is created after its source's, so its id is higher), with whether
 * one was ever materialised (its watermark is past the epoch).
 */
export async function rollupViews(
  db: Database,
): Promise<{ view: string; materialised: boolean }[]> {
  const { rows } = await db.query<{ view: string; materialised: boolean }>(
    `SELECT ca.user_view_name AS view,
            _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(ca.mat_hypertable_id)) > 'epoch'
              AS materialised
       FROM _timescaledb_catalog.continuous_agg ca
      ORDER BY ca.mat_hypertable_id`,
  );
  return rows;
}

export interface Migration {
  version: number;
  /** File name without `.sql`, e.g. `0001_initial`. */
  name: string;
  sql: string;
}

export interface AppliedMigration {
  name: string;
  /** Wall-clock time of its transaction. */
  ms: number;
}

export interface MigrateOptions {
  /** The migrations to apply; default: those in {@link MIGRATIONS_DIR}. */
  migrations?: Migration[];
  /** Called after each migration is committed. */
  onApplied?: (applied: AppliedMigration) => void;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

type Database = pg.ClientBase | pg.Pool;

/** The migration files of `dir`, in version order; a gap, a duplicate or a stray file is an error. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = MIGRATION_FILE.exec(file);
      if (!match) throw new Error(`${join(dir, file)}: migration files are named NNNN_name.sql`);
      return {
        version: Number(match[1]),
        name: file.slice(0, -'.sql'.length),
        sql: readFileSync(join(dir, file), 'utf8'),
      };
    });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`${dir}: expected migration ${i + 1}, found ${m.name}`);
  });
  return migrations;
}

/**
 * Materialises every rollup over all time now, rather than waiting for the refresh policies
 * (which only look a few days back): for tests, benchmarks and back-filled data. `onRefreshed`
 * hears each rollup as it is done, with the time it took.
 */
export async function refreshRollups(
  client: Database,
  onRefreshed: (view: string, ms: number) => void = () => {},
): Promise<void> {
  for (const { view } of await rollupViews(client)) {
    const started = performance.now();
    await refreshRollup(client, view);
    onRefreshed(view, Math.round(performance.now() - started));
  }
}

/**
 * What TimescaleDB's background jobs (rollup refresh policies, retention, compression) can make
 * a migration meet when they run on the tables it changes: a lock or a catalog row taken away
 * (`tuple concurrently deleted|updated`, SQLSTATE XX000), a deadlock or a serialisation failure.
 * The migration's transaction rolled back whole, so trying again is safe.
 */
function isJobInterference(err: unknown): boolean {
  const { code, message } = err as { code?: string; message?: string };
  if (code === '40001' || code === '40P01' || code === '55P03') return true;
  return code === 'XX000' && /concurrently (deleted|updated)/.test(message ?? '');
}

/** How long a migration keeps trying while background jobs get in its way. */
const JOB_INTERFERENCE_WAIT_MS = 120_000;

async function whileBackgroundJobsInterfere<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + JOB_INTERFERENCE_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isJobInterference(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempt)));
    }
  }
}

/**
 * Materialises one rollup over all time; with `force`, buckets already materialised too (what a
 * rollup joining `pages` needs when pages change: a join is not watched for changes). Right
 * after a migration adds rollups, TimescaleDB's scheduler may already be running their refresh
 * policies: that refresh is waited for, then this one runs.
 */
export async function refreshRollup(client: Database, view: string, force = false): Promise<void> {
  await whileBackgroundJobsInterfere(() =>
    client.query(
      `CALL refresh_continuous_aggregate(${pg.escapeLiteral(view)}, NULL, NULL, force => ${force})`,
    ),
  );
}

/**
 * Applies the pending migrations, each in its own transaction, and returns those it applied.
 * Safe to run concurrently with itself (another process, or another connection of the embedded
 * engine): a migration already recorded by the time this one holds the lock is skipped.
 */
export async function migrate(
  db: Database,
  options: MigrateOptions = {},
): Promise<AppliedMigration[]> {
  const migrations = options.migrations ?? loadMigrations();
  const applied: AppliedMigration[] = [];
  for (;;) {
    const started = performance.now();
    const name = await whileBackgroundJobsInterfere(() =>
      withClient(db, (client) =>
        inTransaction(client, async () => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
          await ensureMigrationsTable(client, migrations);
          const done = await appliedVersions(client, migrations);
          const next = migrations.find((m) => !done.has(m.version));
          if (!next) return undefined;
          await client.query(next.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            next.version,
            next.name,
          ]);
          return next.name;
        }),
      ),
    );
    if (name === undefined) {
      // A migration that adds a rollup creates it empty, and its refresh policy only looks a
      // few days back: materialise it over every retained row once. A refresh cannot run inside
      // a transaction, hence here, after the migrations' transactions. On a database without
      // events this is instant.
      for (const { view, materialised } of await rollupViews(db)) {
        if (!materialised) await refreshRollup(db, view);
      }
      return applied;
    }
    const step = { name, ms: Math.round(performance.now() - started) };
    applied.push(step);
    options.onApplied?.(step);
  }
}

/**
 * The migrations recorded and those `migrate` would apply. Read-only: an install made before
 * migrations existed (schema, no `schema_migrations`) counts the first one as applied, as
 * `migrate` will record it.
 */
export async function migrationStatus(
  db: Database,
  options: Pick<MigrateOptions, 'migrations'> = {},
): Promise<MigrationStatus> {
  const migrations = options.migrations ?? loadMigrations();
  const [state] = (
    await db.query<{ has_table: boolean; has_schema: boolean }>(
      `SELECT to_regclass('schema_migrations') IS NOT NULL AS has_table,
              to_regclass('projects') IS NOT NULL AS has_schema`,
    )
  ).rows;
  let applied: { version: number; name: string }[] = [];
  if (state!.has_table) {
    applied = (
      await db.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      )
    ).rows;
  } else if (state!.has_schema) {
    applied = migrations.filter((m) => m.version === BASELINE_VERSION);
  }
  const done = new Set(applied.map((m) => m.version));
  return {
    applied: applied.map((m) => m.name),
    pending: migrations.filter((m) => !done.has(m.version)).map((m) => m.name),
  };
}

/**
 * Creates `schema_migrations` when missing. A database that has the schema but no migrations
 * table was made by `rum migrate` before migrations existed, from the schema that is now the
 * first migration: that one is recorded as applied without running it.
 */
async function ensureMigrationsTable(client: pg.ClientBase, migrations: Migration[]) {
  const [state] = (
    await client.query<{ has_table: boolean; has_schema: boolean }>(
      `SELECT to_regclass('schema_migrations') IS NOT NULL AS has_table,
              to_regclass('projects') IS NOT NULL AS has_schema`,
    )
  ).rows;
  if (state!.has_table) return;
  await client.query(`CREATE TABLE schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const baseline = migrations.find((m) => m.version === BASELINE_VERSION);
  if (state!.has_schema && baseline) {
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      baseline.version,
      baseline.name,
    ]);
  }
}

/** Versions recorded; one recorded under another name than its file is an error (two branches both added it). */
async function appliedVersions(
  client: pg.ClientBase,
  migrations: Migration[],
): Promise<Set<number>> {
  const { rows } = await client.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations',
  );
  for (const row of rows) {
    const file = migrations.find((m) => m.version === row.version);
    if (file && file.name !== row.name) {
      throw new Error(
        `migration ${row.version} was applied as ${row.name} but the file is ${file.name}.sql`,
      );
    }
  }
  return new Set(rows.map((r) => r.version));
}

async function withClient<T>(db: Database, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!(db instanceof pg.Pool)) return fn(db);
  const client = await db.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}
