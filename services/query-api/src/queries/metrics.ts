import type { MetricRow } from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import { whereClause, type Filters, SqlParams, type TimeWindow } from '@rum/server-kit/aggregates';
import { METRIC_ROW_COLUMNS, toMetricRow, type MetricDbRow } from './rows.ts';

/** Raw metric rows in the window, newest first. */
export async function queryMetrics(
  db: Pool,
  q: { filters: Filters; window: TimeWindow; limit: number },
): Promise<MetricRow[]> {
  const p = new SqlParams();
  const where = whereClause(p, q.filters, 'm', {
    column: 'time',
    from: q.window.from,
    to: q.window.to,
  });
  const { rows } = await db.query<MetricDbRow>(
    `SELECT ${METRIC_ROW_COLUMNS}
     FROM metrics m JOIN pages p ON p.id = m.page_id JOIN websites w ON w.id = m.website_id
     WHERE ${where}
     ORDER BY m.time DESC, m.name
     LIMIT ${p.add(q.limit)}`,
    p.values,
  );
  return rows.map(toMetricRow);
}
