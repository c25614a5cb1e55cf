import type { ErrorsResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

export function getErrors(
  session: Session,
  filters: Filters,
  signal?: AbortSignal,
): Promise<ErrorsResponse> {
  return apiGet<ErrorsResponse>(session, 'errors', filterParams(filters), signal);
}

export function useErrors(filters: Filters) {
  return useProjectQuery('errors', [filters], (session, signal) =>
    getErrors(session, filters, signal),
  );
}
