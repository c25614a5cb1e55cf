import type { AlertFilters, AlertStat, MetricName } from '@rum/contract';
import { formatMetric } from '../../../lib/format.ts';

/** A rule's reading as its stat is measured: the metric's p75, or the share of poor samples. */
export function formatAlertValue(
  metric: MetricName,
  stat: AlertStat,
  value: number | null,
): string {
  if (stat === 'p75') return formatMetric(metric, value);
  return value === null ? '—' : `${(value * 100).toFixed(1)}% poor`;
}

/** "LCP p75", "INP poor share". */
export function alertStatLabel(metric: MetricName, stat: AlertStat): string {
  return `${metric} ${stat === 'p75' ? 'p75' : 'poor share'}`;
}

/** The traffic a rule watches: "mobile · /products/:id", or all of it. */
export function alertSlice(filters: AlertFilters): string {
  const parts = [filters.device, filters.route].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'all traffic';
}
