import type { ReleasesResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { formatTime } from '../../../lib/format.ts';
import { filterParams } from '../../../lib/query-params.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { Filters } from '../../../types/filters.ts';
import type { TimeMarker } from '../../../types/time-marker.ts';

/**
 * The releases seen in the range under the filters, newest first, each against the release
 * first seen before it. The release filter itself is left out: the table compares releases.
 */
export function getReleases(
  session: Session,
  filters: Filters,
  signal?: AbortSignal,
): Promise<ReleasesResponse> {
  return apiGet<ReleasesResponse>(
    session,
    'releases',
    { ...filterParams({ ...filters, release: undefined }), compare: 'previous' },
    signal,
  );
}

export function useReleases(filters: Filters) {
  return useProjectQuery('releases', [{ ...filters, release: undefined }], (session, signal) =>
    getReleases(session, filters, signal),
  );
}

/** A marker at each release's first sighting (the chart keeps those inside its window). */
export function useReleaseMarkers(filters: Filters): TimeMarker[] {
  const { data } = useReleases({ range: filters.range });
  return (data?.releases ?? []).map((r) => ({
    key: `release-${r.release}`,
    kind: 'release',
    at: r.firstSeen,
    label: r.release,
    title: `Release ${r.release}, first seen ${formatTime(r.firstSeen, true)}`,
  }));
}
