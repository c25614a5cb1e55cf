/**
 * WHERE clauses shared by every query: project, time slice and the dimension filters, all as
 * bind parameters. The column names are the same in `metrics`, the rollups and `js_errors`.
 */
import type { MetricName } from '@rum/contract';
import type { Pool } from '../db.ts';
import type { SqlParams } from './sql-params.ts';

/** The validated filters of one request, for one project. */
export interface Filters {
  projectId: number;
  /** Metric names to read; omitted for `js_errors`. */
  metrics?: readonly MetricName[];
  /** The ids of the pages at the `page` path asked for (one per website that has it); none: no filter. */
  pageIds?: readonly number[];
  /**
   * The route template of a `route` filter given without `page`: relations keyed by route read
   * it, the others its pages (`pageIds`, resolved from it).
   */
  route?: string;
  /** One device type, or several (the assessment's mobile form factor is phones and tablets). */
  device?: string | readonly string[];
  browser?: string;
  country?: string;
  /** navigator.connection.effectiveType as stored ('4g', '3g', '2g', 'slow-2g', 'unknown'). */
  connection?: string;
  navigationType?: string;
  release?: string;
}

/**
 * Conditions on relation alias `alias` (whose time column is `timeColumn`) for the slice
 * [from, to); `byRoute`: the relation is keyed by route, not page. Returns `a AND b AND ...`.
 */
export function whereClause(
  p: SqlParams,
  f: Filters,
  alias: string,
  time?: { column: string; from: Date; to: Date },
  byRoute = false,
): string {
  const project = p.add(f.projectId);
  const parts = [`${alias}.project_id = ${project}`];
  if (time) {
    parts.push(
      `${alias}.${time.column} >= ${p.add(time.from)}`,
      `${alias}.${time.column} < ${p.add(time.to)}`,
    );
  }
  if (f.metrics) parts.push(`${alias}.name = ANY(${p.add(f.metrics)}::text[])`);
  if (typeof f.device === 'string') parts.push(`${alias}.device_type = ${p.add(f.device)}`);
  else if (f.device !== undefined)
    parts.push(`${alias}.device_type = ANY(${p.add(f.device)}::text[])`);
  if (f.browser !== undefined) parts.push(`${alias}.browser = ${p.add(f.browser)}`);
  if (f.country !== undefined) parts.push(`${alias}.country = ${p.add(f.country)}`);
  if (f.connection !== undefined) parts.push(`${alias}.connection = ${p.add(f.connection)}`);
  if (f.navigationType !== undefined)
    parts.push(`${alias}.navigation_type = ${p.add(f.navigationType)}`);
  if (f.release !== undefined) parts.push(`${alias}.release = ${p.add(f.release)}`);
  // Ids resolved beforehand, not a subquery: as a constant list the planner uses the
  // (project, metric, page, bucket) index; as `IN (SELECT …)` it scanned every page (measured:
  // a month of one page's rollup rows, 13 ms against 995 ms).
  if (byRoute && f.route !== undefined) parts.push(`${alias}.route = ${p.add(f.route)}`);
  else if (f.pageIds !== undefined)
    parts.push(`${alias}.page_id = ANY(${p.add(f.pageIds)}::int[])`);
  return parts.join(' AND ');
}

/**
 * The ids of the project's pages at `page` (a path, or a route template) and at `route`;
 * undefined when neither is given (no page filter). A route is a lookup in `pages`, so it
 * follows the project's current patterns.
 */
export async function pageIdsOf(
  db: Pool,
  projectId: number,
  q: { page?: string | undefined; route?: string | undefined },
): Promise<number[] | undefined> {
  if (q.page === undefined && q.route === undefined) return undefined;
  const { rows } = await db.query<{ id: number }>(
    `SELECT p.id FROM pages p JOIN websites w ON w.id = p.website_id
      WHERE w.project_id = $1
        AND ($2::text IS NULL OR p.path = $2 OR p.route = $2)
        AND ($3::text IS NULL OR p.route = $3)`,
    [projectId, q.page ?? null, q.route ?? null],
  );
  return rows.map((r) => r.id);
}
