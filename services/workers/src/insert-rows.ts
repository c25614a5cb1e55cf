/**
 * Writes the rows of ONE job in ONE transaction, one `INSERT ... SELECT FROM unnest(...)` per
 * table (the embedded engine has no COPY, and one statement per table beats one per row
 * everywhere). The idempotency keys make a retried job, or a beacon sent twice, a no-op.
 */
import type { Pool, PoolClient } from '@rum/shared';
import type { ErrorRow, MetricRow, NormalisedBeacon } from './normalise-beacon.ts';
import { pageKey, type PageIds, type SiteCache } from './site-cache.ts';

/** A row the transaction inserted or changed, with the beacon it came from (for live updates). */
export interface Committed<Row> {
  beacon: NormalisedBeacon;
  row: Row;
}

export interface CommittedRows {
  metrics: Committed<MetricRow>[];
  errors: Committed<ErrorRow>[];
}

export interface InsertOptions {
  /** Runs inside the transaction just before COMMIT; tests use it to hold a job open. */
  beforeCommit?: () => Promise<void>;
}

const METRICS_SQL = `
INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, delta,
  rating, navigation_type, device_type, browser, os, country, connection, attribution)
SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
  $8::float8[], $9::float8[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
  $16::text[], $17::jsonb[])
ON CONFLICT ON CONSTRAINT metrics_idempotency DO UPDATE
  SET value = EXCLUDED.value, delta = EXCLUDED.delta, rating = EXCLUDED.rating, attribution = EXCLUDED.attribution
  WHERE EXCLUDED.value > metrics.value
RETURNING project_id, session_id, metric_id AS id, (extract(epoch FROM time) * 1000)::bigint AS ts`;

const ERRORS_SQL = `
INSERT INTO js_errors (time, project_id, website_id, page_id, session_id, fingerprint, message, stack, source,
  line, col, device_type, browser, os, country)
SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::text[], $10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[])
ON CONFLICT DO NOTHING
RETURNING project_id, session_id, fingerprint AS id, (extract(epoch FROM time) * 1000)::bigint AS ts`;

const SEP = '\u0000';

function rowKey(projectId: number, sessionId: string, id: string, time: string | number): string {
  return projectId + SEP + sessionId + SEP + id + SEP + new Date(time).getTime();
}

/**
 * One entry per idempotency key. The same key twice in one statement is an error for
 * ON CONFLICT DO UPDATE, and it happens (a beacon retried by the SDK lands in the same job,
 * a CLS re-report follows its first report closely): keep the largest value, as the upsert does.
 */
export function dedupeMetrics(
  beacons: readonly NormalisedBeacon[],
): Map<string, Committed<MetricRow>> {
  const byKey = new Map<string, Committed<MetricRow>>();
  for (const beacon of beacons) {
    for (const row of beacon.metrics) {
      const key = rowKey(beacon.projectId, beacon.sessionId, row.metricId, row.time);
      const seen = byKey.get(key);
      if (!seen || row.value > seen.row.value) byKey.set(key, { beacon, row });
    }
  }
  return byKey;
}

export function dedupeErrors(
  beacons: readonly NormalisedBeacon[],
): Map<string, Committed<ErrorRow>> {
  const byKey = new Map<string, Committed<ErrorRow>>();
  for (const beacon of beacons) {
    for (const row of beacon.errors) {
      const key = rowKey(beacon.projectId, beacon.sessionId, row.fingerprint, row.time);
      if (!byKey.has(key)) byKey.set(key, { beacon, row });
    }
  }
  return byKey;
}

/**
 * Creates the job's websites and pages, then commits its metrics and errors in one transaction.
 * Returns what was actually inserted or grown: nothing when the job was already stored.
 */
export async function insertRows(
  pool: Pool,
  sites: SiteCache,
  beacons: readonly NormalisedBeacon[],
  options: InsertOptions = {},
): Promise<CommittedRows> {
  const metrics = dedupeMetrics(beacons);
  const errors = dedupeErrors(beacons);
  const client = await pool.connect();
  let failure: Error | undefined;
  // A checked-out client whose connection dies (the database restarted, or the embedded
  // engine closed it for idling in a transaction) emits 'error' on itself, and the pool only
  // listens on idle ones: unheard, it would crash the worker. The pending query rejects too,
  // so the job fails and Bull retries it.
  const onConnectionError = (err: Error) => {
    failure ??= err;
  };
  client.on('error', onConnectionError);
  try {
    const ids = await sites.resolve(client, beacons);
    await client.query('BEGIN');
    try {
      const committed: CommittedRows = {
        metrics: await insertUnnest(client, METRICS_SQL, METRIC_COLUMNS, ids, metrics),
        errors: await insertUnnest(client, ERRORS_SQL, ERROR_COLUMNS, ids, errors),
      };
      await options.beforeCommit?.();
      await client.query('COMMIT');
      return committed;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } catch (err) {
    failure = err as Error;
    throw err;
  } finally {
    // After a failure the connection may be half-broken (server gone mid-statement): drop it
    // rather than hand it to the next job. Failures are rare; a new connection is cheap.
    client.off('error', onConnectionError);
    client.release(failure);
  }
}

/** One column of an unnest insert: its value for a row, given the row's page ids. */
type Column<Row> = (entry: Committed<Row>, ids: PageIds) => unknown;

/** In the order of METRICS_SQL's column list. */
const METRIC_COLUMNS: Column<MetricRow>[] = [
  (e) => e.row.time,
  (e) => e.beacon.projectId,
  (_, ids) => ids.websiteId,
  (_, ids) => ids.pageId,
  (e) => e.beacon.sessionId,
  (e) => e.row.metricId,
  (e) => e.row.name,
  (e) => e.row.value,
  (e) => e.row.delta,
  (e) => e.row.rating,
  (e) => e.row.navigationType,
  (e) => e.beacon.deviceType,
  (e) => e.beacon.browser,
  (e) => e.beacon.os,
  (e) => e.beacon.country,
  (e) => e.beacon.connection,
  (e) => e.row.attribution,
];

/** In the order of ERRORS_SQL's column list. */
const ERROR_COLUMNS: Column<ErrorRow>[] = [
  (e) => e.row.time,
  (e) => e.beacon.projectId,
  (_, ids) => ids.websiteId,
  (_, ids) => ids.pageId,
  (e) => e.beacon.sessionId,
  (e) => e.row.fingerprint,
  (e) => e.row.message,
  (e) => e.row.stack,
  (e) => e.row.source,
  (e) => e.row.line,
  (e) => e.row.col,
  (e) => e.beacon.deviceType,
  (e) => e.beacon.browser,
  (e) => e.beacon.os,
  (e) => e.beacon.country,
];

/**
 * Runs one unnest insert (one array parameter per column) and maps the keys it RETURNs
 * (only rows inserted or changed) back to the entries.
 */
async function insertUnnest<Row>(
  client: PoolClient,
  sql: string,
  columns: readonly Column<Row>[],
  ids: Map<string, PageIds>,
  rows: Map<string, Committed<Row>>,
): Promise<Committed<Row>[]> {
  if (rows.size === 0) return [];
  const entries = [...rows.values()];
  const pageIds = entries.map((entry) => {
    const found = ids.get(pageKey(entry.beacon));
    if (!found) throw new Error(`no page id for ${entry.beacon.domain}${entry.beacon.path}`);
    return found;
  });
  const params = columns.map((column) => entries.map((entry, i) => column(entry, pageIds[i]!)));
  const { rows: returned } = await client.query<{
    project_id: number;
    session_id: string;
    id: string;
    ts: number;
  }>(sql, params);
  return returned.map((r) => rows.get(rowKey(r.project_id, r.session_id, r.id, r.ts))!);
}
