import type {
  BreakdownResponse,
  PageGrouping,
  PagesResponse,
  Range,
  ReleasesResponse,
} from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { FilterKey } from '../../../types/filters.ts';

export type FilterOptions = Record<FilterKey, string[]>;

/**
 * The values each filter can take in the range: the route templates and the pages seen (the
 * page filter takes either) and the devices, browsers and countries that sent LCP (every page
 * view does), and the releases seen (newest first, as the releases route lists them). Read over
 * the whole range, unfiltered, so choosing one filter does not empty the others' lists.
 */
export async function getFilterOptions(
  session: Session,
  range: Range,
  signal?: AbortSignal,
): Promise<FilterOptions> {
  const breakdown = (by: 'device' | 'browser' | 'country') =>
    apiGet<BreakdownResponse>(session, 'breakdown', { range, by, metric: 'LCP' }, signal).then(
      (r) => r.rows.map((row) => row.value).filter((v) => v !== ''),
    );
  const pages = (groupBy: PageGrouping) =>
    apiGet<PagesResponse>(session, 'pages', { range, metric: 'LCP', groupBy }, signal).then((r) =>
      r.pages.map((p) => p.path),
    );
  const releases = apiGet<ReleasesResponse>(session, 'releases', { range }, signal).then((r) =>
    r.releases.map((row) => row.release),
  );
  const [routes, paths, device, browser, country, release] = await Promise.all([
    pages('route'),
    pages('page'),
    breakdown('device'),
    breakdown('browser'),
    breakdown('country'),
    releases,
  ]);
  const sorted = (values: string[]) => [...new Set(values)].sort((a, b) => a.localeCompare(b));
  return {
    page: sorted([...routes, ...paths]),
    device: sorted(device),
    browser: sorted(browser),
    country: sorted(country),
    release,
  };
}

export function useFilterOptions(range: Range) {
  return useProjectQuery('filter-options', [range], (session, signal) =>
    getFilterOptions(session, range, signal),
  );
}
