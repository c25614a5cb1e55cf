/**
 * A project's route patterns (`rum project routes set|list`): templates such as
 * `/products/:slug` that group page paths, tried in order before the automatic templating of
 * ID-like segments. Both live in SQL (`rum_route`, db/migrations/0008), the one implementation
 * the workers' page inserts and this re-templating share.
 */
import type pg from 'pg';
import { withTransaction } from './db.ts';
import { ProjectNotFoundError } from './domain-errors.ts';
import { refreshRollup } from './migrations.ts';
import { ROUTE_KEYED, rollupViewsOf } from './aggregates/sql-identifiers.ts';

/**
 * The rollups keyed by route (migrations 0014, 0015, 0017, 0021), each after the one it is built on
 * (hourly, daily, weekly).
 */
const ROUTE_ROLLUP_VIEWS = [...ROUTE_KEYED].flatMap((key) => Object.values(rollupViewsOf(key)));

/** At most this many patterns per project, each at most this long. */
export const MAX_ROUTE_PATTERNS = 200;
export const MAX_ROUTE_PATTERN_LENGTH = 256;

/** Why `pattern` is not a route pattern, or null when it is one. */
export function routePatternProblem(pattern: string): string | null {
  if (!pattern.startsWith('/')) return `must start with /: "${pattern}"`;
  if (pattern.length > MAX_ROUTE_PATTERN_LENGTH)
    return `must be at most ${MAX_ROUTE_PATTERN_LENGTH} characters`;
  if (/[?#\s]/.test(pattern))
    return `must be a path without query, fragment or spaces: "${pattern}"`;
  if (/:(?![A-Za-z_])/.test(pattern))
    return `":" must start a parameter name such as :id: "${pattern}"`;
  const star = pattern.indexOf('*');
  if (star !== -1 && star !== pattern.length - 1) return `"*" may only end a pattern: "${pattern}"`;
  return null;
}

export interface RoutesSet {
  project: string;
  patterns: string[];
  /** Pages of the project whose route changed. */
  pagesRetemplated: number;
}

/**
 * Replaces the project's patterns and re-templates its stored pages in one transaction, then
 * rebuilds the route rollups when any page changed. The project row is updated first: a worker
 * inserting a page reads the patterns FOR SHARE, so it either committed before (and its page is
 * re-templated here) or waits and sees the new ones.
 */
export async function setRoutePatterns(
  pool: pg.Pool,
  slug: string,
  patterns: readonly string[],
): Promise<RoutesSet> {
  for (const pattern of patterns) {
    const problem = routePatternProblem(pattern);
    if (problem) throw new RangeError(problem);
  }
  if (patterns.length > MAX_ROUTE_PATTERNS)
    throw new RangeError(`at most ${MAX_ROUTE_PATTERNS} patterns`);
  const set = await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: number }>(
      `UPDATE projects SET route_patterns = $2 WHERE slug = $1 RETURNING id`,
      [slug, patterns],
    );
    if (!rows[0]) throw new ProjectNotFoundError(`project "${slug}" does not exist`);
    const updated = await client.query(
      `UPDATE pages p SET route = rum_route(p.path, $2::text[])
         FROM websites w
        WHERE w.id = p.website_id AND w.project_id = $1
          AND p.route IS DISTINCT FROM rum_route(p.path, $2::text[])`,
      [rows[0].id, patterns],
    );
    return { project: slug, patterns: [...patterns], pagesRetemplated: updated.rowCount ?? 0 };
  });
  // The route rollups took each row's route from its page when they were refreshed; they are
  // built again over all time (for every project: a refresh has no project filter). Until this
  // returns, route questions over past hours still answer with the former templates.
  if (set.pagesRetemplated > 0)
    for (const view of ROUTE_ROLLUP_VIEWS) await refreshRollup(pool, view, true);
  return set;
}

export interface RouteListing {
  project: string;
  patterns: string[];
  /** Every route of the project's pages, with how many pages each covers, most first. */
  routes: Array<{ route: string; pages: number }>;
}

export async function listRoutes(pool: pg.Pool, slug: string, top = 50): Promise<RouteListing> {
  const { rows } = await pool.query<{ id: number; patterns: string[] }>(
    `SELECT id, route_patterns AS patterns FROM projects WHERE slug = $1`,
    [slug],
  );
  if (!rows[0]) throw new ProjectNotFoundError(`project "${slug}" does not exist`);
  const { rows: routes } = await pool.query<{ route: string; pages: number }>(
    `SELECT p.route, count(*)::int AS pages FROM pages p JOIN websites w ON w.id = p.website_id
      WHERE w.project_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $2`,
    [rows[0].id, top],
  );
  return { project: slug, patterns: rows[0].patterns, routes };
}
