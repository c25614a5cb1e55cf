import type { HistogramResponse, MetricName } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

export function getHistogram(
  session: Session,
  filters: Filters,
  metric: MetricName,
  signal?: AbortSignal,
): Promise<HistogramResponse> {
  return apiGet<HistogramResponse>(
    session,
    'histogram',
    { ...filterParams(filters), metric },
    signal,
  );
}

export function useHistogram(filters: Filters, metric: MetricName) {
  return useProjectQuery('histogram', [filters, metric], (session, signal) =>
    getHistogram(session, filters, metric, signal),
  );
}
