import { defaultInterval, RANGE_MS, type TimeseriesResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters, Focus } from '../../../types/filters.ts';

export function getTimeseries(
  session: Session,
  filters: Filters,
  focus: Focus,
  signal?: AbortSignal,
): Promise<TimeseriesResponse> {
  return apiGet<TimeseriesResponse>(
    session,
    'timeseries',
    {
      ...filterParams(filters),
      metric: focus.metric,
      percentile: focus.percentile,
      interval: defaultInterval(RANGE_MS[filters.range]),
    },
    signal,
  );
}

export function useTimeseries(filters: Filters, focus: Focus) {
  return useProjectQuery('timeseries', [filters, focus], (session, signal) =>
    getTimeseries(session, filters, focus, signal),
  );
}
