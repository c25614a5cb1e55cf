/**
 * The rows of beacons as one `INSERT ... SELECT FROM unnest(...)` per table (the embedded
 * engine has no COPY, and one statement per table beats one per row everywhere). The
 * idempotency keys make a retried job, or a beacon sent twice, a no-op.
 */
import type { PoolClient } from '@rum/server-kit';
import type { ErrorInsert, MetricInsert, NormalisedBeacon } from './normalise-beacon.ts';
import { pageKey, type PageIds } from './site-cache.ts';

/** A row the transaction inserted or changed, with the beacon it came from (for live updates). */
export interface Committed<Row> {
  beacon: NormalisedBeacon;
  row: Row;
}

export interface CommittedRows {
  metrics: Committed<MetricInsert>[];
  errors: Committed<ErrorInsert>[];
}

const METRICS_SQL = `
INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, delta,
  rating, navigation_type, device_type, browser, os, country, connection, attribution, release)
SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
  $8::float8[], $9::float8[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
  $16::text[], $17::jsonb[], $18::text[])
ON CONFLICT ON CONSTRAINT metrics_idempotency DO UPDATE
  SET value = EXCLUDED.value, delta = EXCLUDED.delta, rating = EXCLUDED.rating, attribution = EXCLUDED.attribution
  WHERE EXCLUDED.value > metrics.value
RETURNING project_id, session_id, metric_id AS id, (extract(epoch FROM time) * 1000)::bigint AS ts`;

const ERRORS_SQL = `
INSERT INTO js_errors (time, project_id, website_id, page_id, session_id, fingerprint, message, stack, source,
  line, col, device_type, browser, os, country, navigation_type, release)
SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::text[], $10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
  $17::text[])
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
): Map<string, Committed<MetricInsert>> {
  const byKey = new Map<string, Committed<MetricInsert>>();
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
): Map<string, Committed<ErrorInsert>> {
  const byKey = new Map<string, Committed<ErrorInsert>>();
  for (const beacon of beacons) {
    for (const row of beacon.errors) {
      const key = rowKey(beacon.projectId, beacon.sessionId, row.fingerprint, row.time);
      if (!byKey.has(key)) byKey.set(key, { beacon, row });
    }
  }
  return byKey;
}

/**
 * Inserts the metrics and errors of `beacons` on `client`, whose transaction the caller owns.
 * Returns what was actually inserted or grown: nothing when the rows were already stored.
 */
export async function insertBeaconRows(
  client: PoolClient,
  ids: Map<string, PageIds>,
  beacons: readonly NormalisedBeacon[],
): Promise<CommittedRows> {
  return {
    metrics: await insertUnnest(client, METRICS_SQL, METRIC_COLUMNS, ids, dedupeMetrics(beacons)),
    errors: await insertUnnest(client, ERRORS_SQL, ERROR_COLUMNS, ids, dedupeErrors(beacons)),
  };
}

/** One column of an unnest insert: its value for a row, given the row's page ids. */
type Column<Row> = (entry: Committed<Row>, ids: PageIds) => unknown;

/** In the order of METRICS_SQL's column list. */
const METRIC_COLUMNS: Column<MetricInsert>[] = [
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
  (e) => e.beacon.release,
];

/** In the order of ERRORS_SQL's column list. */
const ERROR_COLUMNS: Column<ErrorInsert>[] = [
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
  (e) => e.row.navigationType,
  (e) => e.beacon.release,
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
  return returned.map((r) => {
    const entry = rows.get(rowKey(r.project_id, r.session_id, r.id, r.ts));
    // Only if the database stored something other than what was sent; the contract refuses
    // such text, so this is a bug to surface (the beacon is dead-lettered), never to skip.
    if (!entry) throw new Error(`a stored row does not match what was sent (${r.id})`);
    return entry;
  });
}
