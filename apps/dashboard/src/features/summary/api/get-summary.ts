import type { SummaryResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

/** Every metric's summary, with the previous window of equal length and the change from it. */
export function getSummary(
  session: Session,
  filters: Filters,
  signal?: AbortSignal,
): Promise<SummaryResponse> {
  return apiGet<SummaryResponse>(
    session,
    'summary',
    { ...filterParams(filters), compare: 'previous' },
    signal,
  );
}

export function useSummary(filters: Filters) {
  return useProjectQuery('summary', [filters], (session, signal) =>
    getSummary(session, filters, signal),
  );
}
