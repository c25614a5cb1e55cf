/**
 * Commits jobs: their websites and pages, then their metrics, errors and dead letters in one
 * transaction, several jobs together when several are ready (a group commit: one transaction,
 * one statement per table, for what would otherwise be a transaction per job). When the
 * database refuses the rows for a reason no retry can fix, each job is stored again alone, and
 * then beacon by beacon (a savepoint each), so one bad beacon is dead-lettered and every other
 * beacon is still stored, exactly once. Transient failures (connection, timeout, server
 * shutting down) fail the jobs, which Bull retries with backoff.
 */
import type { Pool, PoolClient } from '@rum/server-kit';
import { inTransaction, insertDeadLetters, type DeadLetter } from '@rum/server-kit';
import { insertBeaconRows, type CommittedRows } from './insert-rows.ts';
import type { NormalisedBeacon } from './normalise-beacon.ts';
import type { SiteCache } from './site-cache.ts';

/** A beacon of the job, ready to store, and what was received (for its dead letter). */
export interface JobBeacon {
  index: number;
  data: unknown;
  normalised: NormalisedBeacon;
}

export interface JobToStore {
  /** Unique per job (queue, id, creation time): the dead letters' idempotency key. */
  key: string;
  beacons: readonly JobBeacon[];
  /** Beacons already set aside (they failed the contract or normalisation). */
  deadLetters: readonly DeadLetter[];
  /** Runs inside the transaction just before COMMIT; tests use it to hold a job open. */
  beforeCommit?: () => Promise<void>;
}

export interface StoredJob {
  committed: CommittedRows;
  deadLetters: DeadLetter[];
}

/**
 * SQLSTATE classes that depend on the data a beacon carries, so a retry fails the same way:
 * 22 data exception (encoding, ranges), 23 integrity constraint, 54 program limit exceeded
 * (an index row too large). Everything else the database says (08 connection, 40 deadlock or
 * serialisation, 53 resources, 57 shutdown or statement timeout, 42 a schema not yet migrated)
 * is about the server, not the beacon: the whole job is retried.
 */
const BEACON_SQLSTATE = /^(22|23|54)/;

/**
 * True when `err` will not go away on a retry. Errors without a SQLSTATE are ours (a bug met
 * by strange data) unless they come from the connection: Node's system errors (ECONNRESET…),
 * pg's "Connection terminated", timeouts, or a connection that reported an error meanwhile.
 */
export function isPermanentFailure(err: unknown, connectionLost = false): boolean {
  if (connectionLost) return false;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return BEACON_SQLSTATE.test(code);
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return false;
  const message = err instanceof Error ? err.message : String(err);
  return !/connection|terminated|timeout|timed out|not queryable|ECONN/i.test(message);
}

function rowsOf(batches: readonly CommittedRows[]): CommittedRows {
  return {
    metrics: batches.flatMap((b) => b.metrics),
    errors: batches.flatMap((b) => b.errors),
  };
}

function deadLetterOf(beacon: JobBeacon, err: unknown): DeadLetter {
  return {
    index: beacon.index,
    projectId: beacon.normalised.projectId,
    project: beacon.normalised.project,
    reason: `beacon ${beacon.index}: ${err instanceof Error ? err.message : String(err)}`,
    data: beacon.data,
  };
}

/** What became of one job of a group: stored, or the error that fails it (Bull retries it). */
export type JobOutcome = { stored: StoredJob } | { failed: unknown };

/**
 * Stores `jobs` in one transaction; after a permanent failure, each job on its own
 * ({@link storeJob}). One outcome per job, in order. `onCommit` hears how many jobs each
 * committed transaction carried.
 */
export async function storeJobs(
  pool: Pool,
  sites: SiteCache,
  jobs: readonly JobToStore[],
  onCommit: (jobs: number) => void = () => undefined,
): Promise<JobOutcome[]> {
  const alone = async (job: JobToStore) => {
    const outcome = await outcomeOf(storeJob(pool, sites, job));
    if ('stored' in outcome) onCommit(1);
    return outcome;
  };
  if (jobs.length === 1) return [await alone(jobs[0]!)];
  try {
    const together = await withJobClient(pool, async (client, connectionLost) => {
      try {
        return await storeWhole(client, sites, jobs);
      } catch (err) {
        if (!isPermanentFailure(err, connectionLost())) throw err;
        return undefined; // rolled back; the connection is fine
      }
    });
    if (together) {
      onCommit(jobs.length);
      return together.map((stored) => ({ stored }));
    }
  } catch (err) {
    return jobs.map(() => ({ failed: err }));
  }
  const outcomes: JobOutcome[] = [];
  for (const job of jobs) outcomes.push(await alone(job));
  return outcomes;
}

function outcomeOf(stored: Promise<StoredJob>): Promise<JobOutcome> {
  return stored.then(
    (result) => ({ stored: result }),
    (err: unknown) => ({ failed: err }),
  );
}

/** Stores one job: whole, or beacon by beacon after a permanent failure. */
export async function storeJob(pool: Pool, sites: SiteCache, job: JobToStore): Promise<StoredJob> {
  return withJobClient(pool, async (client, connectionLost) => {
    try {
      return (await storeWhole(client, sites, [job]))[0]!;
    } catch (err) {
      if (!isPermanentFailure(err, connectionLost())) throw err;
    }
    return storeOneByOne(client, sites, job, connectionLost);
  });
}

/**
 * Runs `fn` on a client of `pool`. A checked-out client whose connection dies (the database
 * restarted, or the embedded engine closed it for idling in a transaction) emits 'error' on
 * itself, and the pool only listens on idle ones: unheard, it would crash the worker. The
 * pending query rejects too, so the job fails and Bull retries it.
 */
async function withJobClient<T>(
  pool: Pool,
  fn: (client: PoolClient, connectionLost: () => boolean) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let connectionLost = false;
  const onConnectionError = () => {
    connectionLost = true;
  };
  client.on('error', onConnectionError);
  let broken = false;
  try {
    return await fn(client, () => connectionLost);
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    // After a failure the connection may be half-broken (server gone mid-statement): drop it
    // rather than hand it to the next job. Failures are rare; a new connection is cheap.
    client.off('error', onConnectionError);
    client.release(broken || connectionLost);
  }
}

/** The fast path: every beacon of the jobs in one statement per table, in one transaction. */
async function storeWhole(
  client: PoolClient,
  sites: SiteCache,
  jobs: readonly JobToStore[],
): Promise<StoredJob[]> {
  const beacons = jobs.flatMap((job) => job.beacons.map((b) => b.normalised));
  // Websites and pages are created outside the rows' transaction (see site-cache.ts).
  const ids = await sites.resolve(client, beacons);
  return inTransaction(client, async () => {
    const committed = await insertBeaconRows(client, ids, beacons);
    for (const job of jobs) await insertDeadLetters(client, job.key, job.deadLetters);
    for (const job of jobs) await job.beforeCommit?.();
    return splitByJob(jobs, committed);
  });
}

/** The committed rows of a group, each job with its own (a row belongs to the beacon it came from). */
function splitByJob(jobs: readonly JobToStore[], committed: CommittedRows): StoredJob[] {
  if (jobs.length === 1) return [{ committed, deadLetters: [...jobs[0]!.deadLetters] }];
  const jobOf = new Map<NormalisedBeacon, number>();
  jobs.forEach((job, i) => job.beacons.forEach((b) => jobOf.set(b.normalised, i)));
  const stored: StoredJob[] = jobs.map((job) => ({
    committed: { metrics: [], errors: [] },
    deadLetters: [...job.deadLetters],
  }));
  for (const row of committed.metrics) stored[jobOf.get(row.beacon)!]!.committed.metrics.push(row);
  for (const row of committed.errors) stored[jobOf.get(row.beacon)!]!.committed.errors.push(row);
  return stored;
}

/** The careful path, after a permanent failure: each beacon alone, the bad ones dead-lettered. */
async function storeOneByOne(
  client: PoolClient,
  sites: SiteCache,
  job: JobToStore,
  connectionLost: () => boolean,
): Promise<StoredJob> {
  const deadLetters = [...job.deadLetters];
  const resolved: { beacon: JobBeacon; ids: Awaited<ReturnType<SiteCache['resolve']>> }[] = [];
  for (const beacon of job.beacons) {
    try {
      resolved.push({ beacon, ids: await sites.resolve(client, [beacon.normalised]) });
    } catch (err) {
      if (!isPermanentFailure(err, connectionLost())) throw err;
      deadLetters.push(deadLetterOf(beacon, err));
    }
  }
  return inTransaction(client, async () => {
    const batches: CommittedRows[] = [];
    for (const { beacon, ids } of resolved) {
      await client.query('SAVEPOINT beacon');
      try {
        batches.push(await insertBeaconRows(client, ids, [beacon.normalised]));
        await client.query('RELEASE SAVEPOINT beacon');
      } catch (err) {
        if (!isPermanentFailure(err, connectionLost())) throw err;
        await client.query('ROLLBACK TO SAVEPOINT beacon');
        deadLetters.push(deadLetterOf(beacon, err));
      }
    }
    await insertDeadLetters(client, job.key, deadLetters);
    await job.beforeCommit?.();
    return { committed: rowsOf(batches), deadLetters };
  });
}
