import type { AlertRule, AlertRuleState } from '@rum/contract';
import { formatCount, formatTime } from '../../../lib/format.ts';
import { useAlerts, useLiveAlerts } from '../api/get-alerts.ts';
import { alertSlice, alertStatLabel, formatAlertValue } from '../utils/describe-alert.ts';

/**
 * A red banner over the dashboard while any rule fires: which metric on which traffic, its last
 * reading against the threshold, and since when. Follows the socket's `alerts` event live and
 * asks the query API every 30 s, so it is right after a reload too. Nothing while none fires.
 */
export function AlertBanner() {
  useLiveAlerts();
  const { data } = useAlerts();
  const firing = data?.alerts.filter((a) => a.state === 'firing') ?? [];
  if (firing.length === 0) return null;
  return (
    <section className="alert-banner" role="alert" data-testid="alert-banner">
      <strong className="alert-banner-title">
        {firing.length === 1 ? 'An alert is firing' : `${firing.length} alerts are firing`}
      </strong>
      <ul className="alert-banner-list">
        {firing.map((rule) => (
          <FiringRule key={rule.id} rule={rule} />
        ))}
      </ul>
    </section>
  );
}

function FiringRule({ rule }: { rule: AlertRule & AlertRuleState }) {
  const { metric, stat, last } = rule;
  return (
    <li className="alert-banner-item" data-testid="alert-banner-item" data-rule={rule.id}>
      <span className="alert-what" data-testid="alert-banner-what">
        {alertStatLabel(metric, stat)} on {alertSlice(rule.filters)}
      </span>{' '}
      is{' '}
      <strong data-testid="alert-banner-value">
        {formatAlertValue(metric, stat, last?.value ?? null)}
      </strong>
      , above{' '}
      <span data-testid="alert-banner-threshold">
        {formatAlertValue(metric, stat, rule.threshold)}
      </span>{' '}
      <span className="alert-meta">
        (last {rule.window}
        {last ? `, ${formatCount(last.samples)} samples` : ''}) · since{' '}
        <time dateTime={rule.since} data-testid="alert-banner-since">
          {formatTime(rule.since, true)}
        </time>
      </span>
    </li>
  );
}
