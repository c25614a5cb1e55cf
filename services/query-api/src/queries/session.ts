import type { SessionResponse } from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import {
  METRIC_ROW_COLUMNS,
  toErrorRow,
  toMetricRow,
  type ErrorDbRow,
  type MetricDbRow,
} from './rows.ts';

/** At most this many metrics and this many errors are returned for one session. */
export const SESSION_ROWS_LIMIT = 1000;

/** Every metric and error of one session of the project, oldest first. */
export async function querySession(
  db: Pool,
  projectId: number,
  sessionId: string,
): Promise<SessionResponse> {
  const { rows: metrics } = await db.query<MetricDbRow>(
    `SELECT ${METRIC_ROW_COLUMNS}
     FROM metrics m JOIN pages p ON p.id = m.page_id JOIN websites w ON w.id = m.website_id
     WHERE m.project_id = $1 AND m.session_id = $2
     ORDER BY m.time, m.name LIMIT $3`,
    [projectId, sessionId, SESSION_ROWS_LIMIT],
  );
  const { rows: errors } = await db.query<ErrorDbRow>(
    `SELECT e.time, e.message, e.stack, e.source, e.line, e.col, p.path
     FROM js_errors e JOIN pages p ON p.id = e.page_id
     WHERE e.project_id = $1 AND e.session_id = $2
     ORDER BY e.time LIMIT $3`,
    [projectId, sessionId, SESSION_ROWS_LIMIT],
  );
  return { sessionId, metrics: metrics.map(toMetricRow), errors: errors.map(toErrorRow) };
}
