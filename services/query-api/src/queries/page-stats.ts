import type { MetricName, PageStats } from '@rum/contract';
import type { Filters } from '../lib/filters.ts';
import type { TimeWindow } from '../lib/window.ts';
import { groupStats, toGroupStats, type Answered, type Readers } from './group-stats.ts';

interface PageLabel {
  id: number;
  domain: string;
  path: string;
}

/** p75, count and shares of `metric` for every page with samples in the window (unsorted). */
export async function pageStats(
  readers: Readers,
  q: { filters: Filters; window: TimeWindow; metric: MetricName },
): Promise<Answered<PageStats[]>> {
  const { source, rows } = await groupStats<number>(
    readers,
    {
      filters: { ...q.filters, metrics: [q.metric] },
      window: q.window,
      groupBy: { column: 'page' },
      percentiles: [0.75],
    },
    () => q.metric,
  );
  if (rows.length === 0) return { source, rows: [] };
  const { rows: labels } = await readers.db.query<PageLabel>(
    `SELECT p.id, w.domain, p.path FROM pages p JOIN websites w ON w.id = p.website_id
     WHERE w.project_id = $1 AND p.id = ANY($2::int[])`,
    [q.filters.projectId, rows.map((r) => r.key)],
  );
  const byId = new Map(labels.map((l) => [l.id, l]));
  const pages = rows.flatMap((r) => {
    const label = byId.get(r.key);
    if (!label) return [];
    return [
      {
        domain: label.domain,
        path: label.path,
        ...toGroupStats(q.metric, { ...r, p75: r.values[0] ?? null }),
      },
    ];
  });
  return { source, rows: pages };
}

/** Stable order for equal keys: by domain, then path. */
export function byLabel(a: PageStats, b: PageStats): number {
  return a.domain.localeCompare(b.domain) || a.path.localeCompare(b.path);
}
