import type { AlertEventsResponse, MetricName } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { formatTime } from '../../../lib/format.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';
import type { TimeMarker } from '../../../types/time-marker.ts';
import { alertSlice, alertStatLabel, formatAlertValue } from '../utils/describe-alert.ts';
import { ALERTS_REFETCH_INTERVAL_MS } from './get-alerts.ts';

/** State changes listed (and marked on the time series), newest first. */
const ALERT_EVENTS_LIMIT = 100;

/** The project's rules' state changes, newest first, with how each notification fared. */
export function getAlertEvents(
  session: Session,
  signal?: AbortSignal,
): Promise<AlertEventsResponse> {
  return apiGet<AlertEventsResponse>(
    session,
    'alert-events',
    { limit: ALERT_EVENTS_LIMIT },
    signal,
  );
}

export function useAlertEvents() {
  return useProjectQuery('alert-events', [], getAlertEvents, ALERTS_REFETCH_INTERVAL_MS);
}

/** A marker where a rule on `metric` fired or resolved (the chart keeps those inside its window). */
export function useAlertMarkers(metric: MetricName): TimeMarker[] {
  const { data } = useAlertEvents();
  return (data?.events ?? [])
    .filter((e) => e.metric === metric)
    .map((e) => ({
      key: `alert-${e.id}`,
      kind: e.state === 'firing' ? 'alert-firing' : 'alert-resolved',
      at: e.at,
      label: e.state === 'firing' ? 'fired' : 'resolved',
      title:
        `${alertStatLabel(e.metric, e.stat)} on ${alertSlice(e.filters)} ${e.state} at ` +
        `${formatTime(e.at, true)}: ${formatAlertValue(e.metric, e.stat, e.value)} ` +
        `(threshold ${formatAlertValue(e.metric, e.stat, e.threshold)})`,
    }));
}
