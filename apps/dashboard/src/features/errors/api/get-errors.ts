import type { ErrorsResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';

/**
 * The filters errors can be narrowed by: an error is stored without the navigation type of the
 * page view it happened in, so that filter does not apply to them.
 */
export function errorFilters({ navigationType: _, ...filters }: Filters): Filters {
  return filters;
}

export function getErrors(
  session: Session,
  filters: Filters,
  signal?: AbortSignal,
): Promise<ErrorsResponse> {
  return apiGet<ErrorsResponse>(session, 'errors', filterParams(errorFilters(filters)), signal);
}

export function useErrors(filters: Filters) {
  const applicable = errorFilters(filters);
  return useProjectQuery('errors', [applicable], (session, signal) =>
    getErrors(session, applicable, signal),
  );
}
