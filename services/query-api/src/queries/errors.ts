import type { ErrorGroup } from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import { whereClause, type Filters, SqlParams, type TimeWindow } from '@rum/server-kit/aggregates';

interface ErrorGroupRow {
  fingerprint: string;
  message: string;
  count: number;
  sessions: number;
  first_seen: Date;
  last_seen: Date;
  sample_stack: string | null;
  source: string | null;
  line: number | null;
  col: number | null;
}

/**
 * JS errors in the window grouped by fingerprint, most frequent first. Message, location and
 * sample stack are those of the group's latest occurrence (the latest one with a stack).
 */
export async function queryErrors(
  db: Pool,
  q: { filters: Filters; window: TimeWindow; limit: number },
): Promise<ErrorGroup[]> {
  const p = new SqlParams();
  const where = whereClause(p, q.filters, 'e', {
    column: 'time',
    from: q.window.from,
    to: q.window.to,
  });
  const { rows } = await db.query<ErrorGroupRow>(
    `SELECT e.fingerprint, count(*) AS count, count(DISTINCT e.session_id) AS sessions,
       min(e.time) AS first_seen, max(e.time) AS last_seen,
       (array_agg(e.message ORDER BY e.time DESC))[1] AS message,
       (array_agg(e.stack ORDER BY e.time DESC) FILTER (WHERE e.stack IS NOT NULL))[1] AS sample_stack,
       (array_agg(e.source ORDER BY e.time DESC))[1] AS source,
       (array_agg(e.line ORDER BY e.time DESC))[1] AS line,
       (array_agg(e.col ORDER BY e.time DESC))[1] AS col
     FROM js_errors e
     WHERE ${where}
     GROUP BY e.fingerprint
     ORDER BY count DESC, last_seen DESC, e.fingerprint
     LIMIT ${p.add(q.limit)}`,
    p.values,
  );
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    message: r.message,
    count: r.count,
    sessions: r.sessions,
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    sampleStack: r.sample_stack,
    source: r.source,
    line: r.line,
    col: r.col,
  }));
}
