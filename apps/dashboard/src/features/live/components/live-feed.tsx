import { Panel } from '../../../components/ui/panel.tsx';
import { formatCount, formatMetric, formatTime } from '../../../lib/format.ts';
import { useLiveFeed, type LiveFeedItem, type LiveStatus } from '../api/get-live-feed.ts';

const STATUS_LABELS: Readonly<Record<LiveStatus, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Reconnecting…',
  refused: 'Refused',
};

/** Events as the workers commit them, pushed over socket.io: no reload, no polling. */
export function LiveFeed() {
  const { status, reason, items, received } = useLiveFeed();
  return (
    <Panel
      title="Live"
      testId="live"
      actions={
        <span className={`live-status live-${status}`} data-testid="live-status" title={reason}>
          <span className="live-dot" aria-hidden="true" /> {STATUS_LABELS[status]}
          {received > 0 ? ` · ${formatCount(received)} events` : ''}
        </span>
      }
    >
      <ol className="live-feed" data-testid="live-feed" aria-live="polite">
        {items.length === 0 ? (
          <li className="state state-empty">
            Waiting for visitors… open the demo page or run `npm run simulate`.
          </li>
        ) : (
          items.map((item) => <LiveItem key={item.key} item={item} />)
        )}
      </ol>
    </Panel>
  );
}

function LiveItem({ item }: { item: LiveFeedItem }) {
  if (item.event) {
    const e = item.event;
    return (
      <li className="live-item" data-testid="live-event" data-metric={e.name}>
        <span className={`live-metric rating-bg-${e.rating}`}>{e.name}</span>
        <span className={`live-value rating-text-${e.rating}`} data-testid="live-event-value">
          {formatMetric(e.name, e.value)}
        </span>
        <span className="live-path" title={e.path}>
          {e.path}
        </span>
        <span className="live-meta">
          {e.device} · {e.browser} · {e.country}
        </span>
        <time className="live-time" dateTime={new Date(e.ts).toISOString()}>
          {formatTime(e.ts)}
        </time>
      </li>
    );
  }
  const err = item.error!;
  return (
    <li className="live-item live-error" data-testid="live-error">
      <span className="live-metric rating-bg-poor">Error</span>
      <span className="live-value live-error-message" title={err.message}>
        {err.message}
      </span>
      <span className="live-path">{err.path}</span>
      <span className="live-meta">{err.browser}</span>
      <time className="live-time" dateTime={new Date(err.ts).toISOString()}>
        {formatTime(err.ts)}
      </time>
    </li>
  );
}
