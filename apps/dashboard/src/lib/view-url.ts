import { useEffect } from 'react';
import {
  METRIC_NAMES,
  NAVIGATION_TYPES,
  RANGES,
  type MetricName,
  type NavigationType,
  type Range,
} from '@rum/contract';
import { FILTER_KEYS, type Filters } from '../types/filters.ts';

/**
 * What the address bar says the dashboard shows: `?project=demo&metric=LCP&range=24h&device=mobile&
 * route=/products/:id`, the link an alert notification carries (see the workers'
 * `dashboardLink`), and the view a user copies. `route` is a route template, which the page
 * filter takes as it is.
 */
export interface View {
  /** The project the link is about; the token decides which one is shown. */
  project: string | undefined;
  metric: MetricName | undefined;
  filters: Filters;
}

const DEFAULT_RANGE: Range = '24h';

function oneOf<T extends string>(list: readonly T[], value: string | null): T | undefined {
  return value !== null && (list as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The view of a query string; unknown or malformed values are left out (the defaults apply). */
export function readView(search: string): View {
  const params = new URLSearchParams(search);
  const filters: Filters = { range: oneOf(RANGES, params.get('range')) ?? DEFAULT_RANGE };
  for (const key of FILTER_KEYS) {
    const value = params.get(key) || (key === 'page' ? params.get('route') : null);
    if (value) filters[key] = value;
  }
  const navigationType = oneOf<NavigationType>(NAVIGATION_TYPES, params.get('navigationType'));
  if (navigationType) filters.navigationType = navigationType;
  return {
    project: params.get('project') || undefined,
    metric: oneOf(METRIC_NAMES, params.get('metric')),
    filters,
  };
}

/** The query string of a view, in the order of an alert's link. */
export function viewSearch(project: string, metric: MetricName, filters: Filters): string {
  const params = new URLSearchParams({ project, metric, range: filters.range });
  for (const key of [...FILTER_KEYS, 'navigationType'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return `?${params.toString()}`;
}

/** Keeps the address bar on the view shown (replacing the entry), so a reload or a copied link shows it again. */
export function useViewInAddressBar(project: string, metric: MetricName, filters: Filters): void {
  useEffect(() => {
    const { pathname, hash } = window.location;
    window.history.replaceState(
      null,
      '',
      `${pathname}${viewSearch(project, metric, filters)}${hash}`,
    );
  }, [project, metric, filters]);
}
