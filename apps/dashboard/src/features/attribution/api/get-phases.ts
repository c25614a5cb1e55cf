import type { PhasedMetric, PhasesResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

/** p75 of each LCP subpart or INP phase, over all views and over the poor ones. */
export function getPhases(
  session: Session,
  filters: Filters,
  metric: PhasedMetric,
  signal?: AbortSignal,
): Promise<PhasesResponse> {
  return apiGet<PhasesResponse>(session, 'phases', { ...filterParams(filters), metric }, signal);
}

export function usePhases(filters: Filters, metric: PhasedMetric) {
  return useProjectQuery('phases', [filters, metric], (session, signal) =>
    getPhases(session, filters, metric, signal),
  );
}
