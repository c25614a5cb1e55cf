import type { BreakdownDimension, BreakdownResponse, MetricName } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

export function getBreakdown(
  session: Session,
  filters: Filters,
  metric: MetricName,
  by: BreakdownDimension,
  signal?: AbortSignal,
): Promise<BreakdownResponse> {
  return apiGet<BreakdownResponse>(
    session,
    'breakdown',
    { ...filterParams(filters), metric, by },
    signal,
  );
}

export function useBreakdown(filters: Filters, metric: MetricName, by: BreakdownDimension) {
  return useProjectQuery('breakdown', [filters, metric, by], (session, signal) =>
    getBreakdown(session, filters, metric, by, signal),
  );
}
