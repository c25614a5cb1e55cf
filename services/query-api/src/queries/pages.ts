import type { PageStats } from '@rum/contract';
import type { Answered, Readers } from '@rum/server-kit/aggregates';
import { byLabel, pageStats, type PageStatsQuery } from './page-stats.ts';

/** The `limit` pages with the most samples of `metric`, most first. */
export async function queryPages(
  readers: Readers,
  q: PageStatsQuery & { limit: number },
): Promise<Answered<PageStats[]>> {
  const { source, rows } = await pageStats(readers, { ...q, top: { limit: q.limit, by: 'count' } });
  return {
    source,
    rows: rows.sort((a, b) => b.count - a.count || byLabel(a, b)).slice(0, q.limit),
  };
}
