import type { MetricName, PageGrouping, PagesResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

/** Route templates (or page paths, with `groupBy: 'page'`) ranked by p75, slowest first. */
export function getSlowPages(
  session: Session,
  filters: Filters,
  metric: MetricName,
  groupBy: PageGrouping,
  signal?: AbortSignal,
): Promise<PagesResponse> {
  return apiGet<PagesResponse>(
    session,
    'slow-pages',
    { ...filterParams(filters), metric, groupBy },
    signal,
  );
}

export function useSlowPages(filters: Filters, metric: MetricName, groupBy: PageGrouping) {
  return useProjectQuery('slow-pages', [filters, metric, groupBy], (session, signal) =>
    getSlowPages(session, filters, metric, groupBy, signal),
  );
}
