/**
 * Commits one job: its websites and pages, then its metrics, errors and dead letters in one
 * transaction. When the database refuses the job for a reason no retry can fix, the job is
 * stored again beacon by beacon (a savepoint each), so one bad beacon is dead-lettered and
 * every other beacon of the job is still stored, exactly once. Transient failures (connection,
 * timeout, server shutting down) fail the whole job, which Bull retries with backoff.
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
}

export interface StoredJob {
  committed: CommittedRows;
  deadLetters: DeadLetter[];
}

export interface StoreOptions {
  /** Runs inside the transaction just before COMMIT; tests use it to hold a job open. */
  beforeCommit?: () => Promise<void>;
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

export async function storeJob(
  pool: Pool,
  sites: SiteCache,
  job: JobToStore,
  options: StoreOptions = {},
): Promise<StoredJob> {
  const client = await pool.connect();
  let connectionLost = false;
  // A checked-out client whose connection dies (the database restarted, or the embedded
  // engine closed it for idling in a transaction) emits 'error' on itself, and the pool only
  // listens on idle ones: unheard, it would crash the worker. The pending query rejects too,
  // so the job fails and Bull retries it.
  const onConnectionError = () => {
    connectionLost = true;
  };
  client.on('error', onConnectionError);
  let broken = false;
  try {
    try {
      return await storeWhole(client, sites, job, options);
    } catch (err) {
      if (!isPermanentFailure(err, connectionLost)) throw err;
    }
    return await storeOneByOne(client, sites, job, options, () => connectionLost);
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

/** The fast path: the whole job in one statement per table. */
async function storeWhole(
  client: PoolClient,
  sites: SiteCache,
  job: JobToStore,
  options: StoreOptions,
): Promise<StoredJob> {
  const beacons = job.beacons.map((b) => b.normalised);
  // Websites and pages are created outside the rows' transaction (see site-cache.ts).
  const ids = await sites.resolve(client, beacons);
  return inTransaction(client, async () => {
    const committed = await insertBeaconRows(client, ids, beacons);
    await insertDeadLetters(client, job.key, job.deadLetters);
    await options.beforeCommit?.();
    return { committed, deadLetters: [...job.deadLetters] };
  });
}

/** The careful path, after a permanent failure: each beacon alone, the bad ones dead-lettered. */
async function storeOneByOne(
  client: PoolClient,
  sites: SiteCache,
  job: JobToStore,
  options: StoreOptions,
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
    await options.beforeCommit?.();
    return { committed: rowsOf(batches), deadLetters };
  });
}
