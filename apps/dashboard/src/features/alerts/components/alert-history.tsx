import type { AlertEvent } from '@rum/contract';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { formatCount, formatTime } from '../../../lib/format.ts';
import { useAlertEvents } from '../api/get-alert-events.ts';
import { alertSlice, alertStatLabel, formatAlertValue } from '../utils/describe-alert.ts';

const DELIVERY_LABELS: Readonly<Record<AlertEvent['delivery']['state'], string>> = {
  pending: 'webhook pending',
  delivered: 'webhook delivered',
  failed: 'webhook failed',
};

/** Every rule's state changes, newest first: fired or resolved, the reading, and the webhook's fate. */
export function AlertHistory() {
  const query = useAlertEvents();
  return (
    <Panel title="Alert history" testId="alert-history">
      <QueryState
        query={query}
        isEmpty={(d) => d.events.length === 0}
        emptyMessage="No alert has fired yet. Create rules with `rum alert create`."
      >
        {(data) => (
          <ol className="alert-history" data-testid="alert-history-list">
            {data.events.map((e) => (
              <AlertHistoryItem key={e.id} event={e} />
            ))}
          </ol>
        )}
      </QueryState>
    </Panel>
  );
}

function AlertHistoryItem({ event: e }: { event: AlertEvent }) {
  const { delivery } = e;
  return (
    <li
      className={`alert-event alert-event-${e.state}`}
      data-testid="alert-event"
      data-state={e.state}
      data-rule={e.rule}
    >
      <span className="alert-event-state">{e.state === 'firing' ? 'Fired' : 'Resolved'}</span>
      <span className="alert-event-what">
        {alertStatLabel(e.metric, e.stat)} on {alertSlice(e.filters)}
      </span>
      <span className="alert-event-value" data-testid="alert-event-value">
        {formatAlertValue(e.metric, e.stat, e.value)} vs{' '}
        {formatAlertValue(e.metric, e.stat, e.threshold)}
      </span>
      <span className="alert-event-meta">
        last {e.window}, {formatCount(e.samples)} samples ·{' '}
        <span title={delivery.lastError ?? undefined}>
          {DELIVERY_LABELS[delivery.state]}
          {delivery.attempts > 1 ? ` (${delivery.attempts} attempts)` : ''}
        </span>
      </span>
      <time className="alert-event-time" dateTime={e.at} data-testid="alert-event-time">
        {formatTime(e.at, true)}
      </time>
    </li>
  );
}
