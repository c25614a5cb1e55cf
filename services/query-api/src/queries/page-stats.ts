import type { MetricName, PageGrouping, PageStats } from '@rum/contract';
import {
  type Filters,
  type TimeWindow,
  groupStats,
  toGroupStats,
  type TopGroups,
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

export interface PageStatsQuery {
  filters: Filters;
  window: TimeWindow;
  metric: MetricName;
  groupBy: PageGrouping;
  /** Only these pages are listed (the answer may leave out the others). */
  top?: TopGroups;
}

interface Label {
  domain: string;
  path: string;
  route: string;
  pages: number;
}

/**
 * p75, count and shares of `metric` for every page (or every route template, per website) with
 * samples in the window (unsorted); with `top`, at least those that can be among the top. A
 * route's `pages` counts the page paths it covers.
 */
export async function pageStats(
  readers: Readers,
  q: PageStatsQuery,
): Promise<Answered<PageStats[]>> {
  const { source, rows } = await groupStats<string | number>(
    readers,
    {
      filters: { ...q.filters, metrics: [q.metric] },
      window: q.window,
      groupBy: { column: q.groupBy },
      percentiles: [0.75],
      ...(q.top ? { top: q.top } : {}),
    },
    () => q.metric,
  );
  if (rows.length === 0) return { source, rows: [] };
  const labels =
    q.groupBy === 'route'
      ? await routeLabels(
          readers,
          q.filters.projectId,
          rows.map((r) => String(r.key)),
        )
      : await pageLabels(
          readers,
          q.filters.projectId,
          rows.map((r) => Number(r.key)),
        );
  const pages = rows.flatMap((r) => {
    const label = labels.get(String(r.key));
    if (!label) return [];
    return [{ ...label, ...toGroupStats(q.metric, { ...r, p75: r.values[0] ?? null }) }];
  });
  // A page without its label (deleted since its rows were rolled up) is left out, so a top may
  // fall short: then every page is read, as a list without a top would have been.
  if (q.top && pages.length < rows.length) {
    const { top: _top, ...every } = q;
    return pageStats(readers, every);
  }
  return { source, rows: pages };
}

async function pageLabels(
  readers: Readers,
  projectId: number,
  ids: number[],
): Promise<Map<string, Label>> {
  const { rows } = await readers.db.query<{
    id: number;
    domain: string;
    path: string;
    route: string;
  }>(
    `SELECT p.id, w.domain, p.path, p.route FROM pages p JOIN websites w ON w.id = p.website_id
      WHERE w.project_id = $1 AND p.id = ANY($2::int[])`,
    [projectId, ids],
  );
  return new Map(
    rows.map((r) => [String(r.id), { domain: r.domain, path: r.path, route: r.route, pages: 1 }]),
  );
}

/** Route keys are the website id followed by the template (see routeKey). */
async function routeLabels(
  readers: Readers,
  projectId: number,
  keys: string[],
): Promise<Map<string, Label>> {
  const parsed = keys.map((key) => /^(\d+)(\/.*)$/s.exec(key)).filter((m) => m !== null);
  const { rows } = await readers.db.query<{
    website_id: number;
    domain: string;
    route: string;
    pages: number;
  }>(
    `SELECT w.id AS website_id, w.domain, p.route, count(*)::int AS pages
       FROM unnest($2::int[], $3::text[]) k(website_id, route)
       JOIN websites w ON w.id = k.website_id AND w.project_id = $1
       JOIN pages p ON p.website_id = k.website_id AND p.route = k.route
      GROUP BY 1, 2, 3`,
    [projectId, parsed.map((m) => Number(m[1])), parsed.map((m) => m[2])],
  );
  return new Map(
    rows.map((r) => [
      `${r.website_id}${r.route}`,
      { domain: r.domain, path: r.route, route: r.route, pages: r.pages },
    ]),
  );
}

/** Stable order for equal keys: by domain, then path. */
export function byLabel(a: PageStats, b: PageStats): number {
  return a.domain.localeCompare(b.domain) || a.path.localeCompare(b.path);
}
