import type { MetricName, PagesResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

export function getSlowPages(
  session: Session,
  filters: Filters,
  metric: MetricName,
  signal?: AbortSignal,
): Promise<PagesResponse> {
  return apiGet<PagesResponse>(session, 'slow-pages', { ...filterParams(filters), metric }, signal);
}

export function useSlowPages(filters: Filters, metric: MetricName) {
  return useProjectQuery('slow-pages', [filters, metric], (session, signal) =>
    getSlowPages(session, filters, metric, signal),
  );
}
