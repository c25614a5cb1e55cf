import { METRIC_UNITS, type MetricName, type Rating } from '@rum/contract';

/**
 * How a metric value is written everywhere on the dashboard (and by the end-to-end test,
 * which compares the cards with the query API): milliseconds below one second, seconds
 * with two decimals above, CLS as a unitless score with three decimals.
 */
export function formatMetric(metric: MetricName, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (METRIC_UNITS[metric] === 'score') return value.toFixed(3);
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export const RATING_LABELS: Readonly<Record<Rating, string>> = {
  good: 'Good',
  'needs-improvement': 'Needs improvement',
  poor: 'Poor',
};

export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  LCP: 'Largest Contentful Paint',
  INP: 'Interaction to Next Paint',
  CLS: 'Cumulative Layout Shift',
  FCP: 'First Contentful Paint',
  TTFB: 'Time to First Byte',
  FID: 'First Input Delay',
};

/** Short time of day for charts and the live feed. */
/** Hours and minutes (and the day with `withDate`): the ticks of a time axis. */
export function formatAxisTime(iso: string, withDate: boolean): string {
  return new Date(iso).toLocaleString('en-GB', {
    ...(withDate ? { day: '2-digit', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatTime(iso: string | number, withDate = false): string {
  const date = new Date(iso);
  return date.toLocaleString('en-GB', {
    ...(withDate ? { day: '2-digit', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    ...(withDate ? {} : { second: '2-digit' }),
  });
}
