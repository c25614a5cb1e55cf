import type { PageStats } from '@rum/contract';
import type { Answered, Readers } from '@rum/server-kit/aggregates';
import { byLabel, pageStats, type PageStatsQuery } from './page-stats.ts';

/**
 * The `limit` slowest pages by p75 of `metric`, slowest first, among pages with at least
 * `minSamples` samples (a p75 of three visits says little).
 */
export async function querySlowPages(
  readers: Readers,
  q: PageStatsQuery & { minSamples: number; limit: number },
): Promise<Answered<PageStats[]>> {
  const { source, rows } = await pageStats(readers, q);
  const pages = rows
    .filter((p) => p.count >= q.minSamples)
    .sort((a, b) => (b.p75 ?? 0) - (a.p75 ?? 0) || b.count - a.count || byLabel(a, b))
    .slice(0, q.limit);
  return { source, rows: pages };
}
