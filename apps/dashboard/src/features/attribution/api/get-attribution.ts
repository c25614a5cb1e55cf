import type { AttributedMetric, AttributionResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

/** Groups shown in the Why panel: the values behind most poor views. */
export const ATTRIBUTION_LIMIT = 10;

/** The values of one attribution key (LCP element, INP target, ...) ranked by poor views. */
export function getAttribution(
  session: Session,
  filters: Filters,
  metric: AttributedMetric,
  by: string,
  signal?: AbortSignal,
): Promise<AttributionResponse> {
  return apiGet<AttributionResponse>(
    session,
    'attribution',
    { ...filterParams(filters), metric, by, limit: ATTRIBUTION_LIMIT },
    signal,
  );
}

export function useAttribution(filters: Filters, metric: AttributedMetric, by: string) {
  return useProjectQuery('attribution', [filters, metric, by], (session, signal) =>
    getAttribution(session, filters, metric, by, signal),
  );
}
