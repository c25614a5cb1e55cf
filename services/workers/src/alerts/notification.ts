/**
 * What a state change says, to a webhook (signed JSON, with a Slack-compatible `text`) and to
 * the dashboard (socket.io `alerts`): built once, from the stored event and its rule.
 */
import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { type AlertNotification, type AlertStat, type MetricName } from '@rum/contract';
import { ALERT_RULE_COLUMNS, alertRuleOf, type StoredAlertRule } from '@rum/server-kit';

/** A stored event joined to its rule (and the rule's project). */
export interface StoredNotification extends StoredAlertRule {
  event_id: string;
  event_state: 'firing' | 'resolved';
  value: number;
  event_threshold: number;
  samples: number;
  window_from: Date;
  window_to: Date;
  at: Date;
  attempts: number;
  delivered_at: Date | null;
  failed_at: Date | null;
}

/** The event `id` with its rule, or null when the rule (and with it the event) was deleted. */
export async function loadNotification(
  db: pg.Pool | pg.PoolClient,
  id: string,
): Promise<StoredNotification | null> {
  const { rows } = await db.query<StoredNotification>(
    `SELECT ${ALERT_RULE_COLUMNS}, e.id AS event_id, e.state AS event_state, e.value,
            e.threshold AS event_threshold, e.samples, e.window_from, e.window_to, e.at, e.attempts,
            e.delivered_at, e.failed_at
       FROM alert_events e JOIN alert_rules r ON r.id = e.rule_id JOIN projects p ON p.id = r.project_id
      WHERE e.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export function formatStat(metric: MetricName, stat: AlertStat, value: number): string {
  if (stat === 'poor-share') return `${(value * 100).toFixed(1)}% poor`;
  if (metric === 'CLS') return value.toFixed(3);
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

/** The dashboard's view of the rule's metric and slice (it reads these query parameters). */
export function dashboardLink(base: string, row: StoredAlertRule): string {
  const params = new URLSearchParams({ project: row.slug, metric: row.metric, range: '24h' });
  if (row.device) params.set('device', row.device);
  if (row.route) params.set('route', row.route);
  return `${base}/?${params.toString()}`;
}

export function notificationOf(row: StoredNotification, dashboardUrl: string): AlertNotification {
  const rule = alertRuleOf(row);
  const link = dashboardLink(dashboardUrl, row);
  const slice = [row.device, row.route].filter(Boolean).join(' ');
  const what = `${row.metric} ${row.stat === 'p75' ? 'p75' : 'poor share'}${slice ? ` on ${slice}` : ''}`;
  const text =
    `${row.event_state === 'firing' ? ':red_circle: FIRING' : ':white_check_mark: RESOLVED'} ` +
    `[${row.slug}] ${what} is ${formatStat(row.metric, row.stat, row.value)} ` +
    `(threshold ${formatStat(row.metric, row.stat, row.event_threshold)}, last ${row.window_name}, ` +
    `${row.samples.toLocaleString('en-US')} samples) <${link}|Open the dashboard>`;
  return {
    id: row.event_id,
    project: row.slug,
    rule: {
      id: rule.id,
      metric: rule.metric,
      stat: rule.stat,
      threshold: rule.threshold,
      window: rule.window,
      filters: rule.filters,
      minSamples: rule.minSamples,
    },
    state: row.event_state,
    value: row.value,
    threshold: row.event_threshold,
    samples: row.samples,
    window: {
      name: row.window_name,
      from: row.window_from.toISOString(),
      to: row.window_to.toISOString(),
    },
    filters: rule.filters,
    at: row.at.toISOString(),
    dashboardUrl: link,
    text,
  };
}

/** `sha256=<hex HMAC-SHA256 of the body under the rule's secret>`. */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
