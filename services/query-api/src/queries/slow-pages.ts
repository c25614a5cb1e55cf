import type { MetricName, PageStats } from '@rum/contract';
import type { Filters } from '../lib/filters.ts';
import type { TimeWindow } from '../lib/window.ts';
import type { Answered, Readers } from './group-stats.ts';
import { byLabel, pageStats } from './page-stats.ts';

/**
 * The `limit` slowest pages by p75 of `metric`, slowest first, among pages with at least
 * `minSamples` samples (a p75 of three visits says little).
 */
export async function querySlowPages(
  readers: Readers,
  q: {
    filters: Filters;
    window: TimeWindow;
    metric: MetricName;
    minSamples: number;
    limit: number;
  },
): Promise<Answered<PageStats[]>> {
  const { source, rows } = await pageStats(readers, q);
  const pages = rows
    .filter((p) => p.count >= q.minSamples)
    .sort((a, b) => (b.p75 ?? 0) - (a.p75 ?? 0) || b.count - a.count || byLabel(a, b))
    .slice(0, q.limit);
  return { source, rows: pages };
}
