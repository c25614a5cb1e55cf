/**
 * Alert rules, their evaluation and their notifications: what the CLI stores, the workers
 * evaluate and deliver, the query API lists, the websocket service relays and a webhook
 * receiver gets.
 */
import type { DeviceType } from './beacon.ts';
import type { MetricName } from './metrics.ts';
import { HOUR_MS, MINUTE_MS } from './query.ts';

/** What a rule watches: the metric's p75, or the share of its samples rated poor (0 to 1). */
export const ALERT_STATS = ['p75', 'poor-share'] as const;
export type AlertStat = (typeof ALERT_STATS)[number];

/** The trailing windows a rule may watch, ending at each evaluation. */
export const ALERT_WINDOWS = {
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '24h': 24 * HOUR_MS,
} as const;
export type AlertWindow = keyof typeof ALERT_WINDOWS;

/** Consecutive breaching evaluations before a rule fires, and good ones before it resolves. */
export const ALERT_FIRE_AFTER = 2;
export const ALERT_RESOLVE_AFTER = 2;
/** A rule never changes state on fewer samples than this unless created with another floor. */
export const DEFAULT_ALERT_MIN_SAMPLES = 100;
/** How often the workers evaluate every rule (ALERT_INTERVAL_MS overrides it; tests shorten it). */
export const ALERT_EVALUATION_MS = MINUTE_MS;
/** How long a notification is retried while its receiver fails. */
export const ALERT_DELIVERY_RETRY_MS = HOUR_MS;

/** Bull queues: the repeatable evaluation job, and one delivery job per state change. */
export const ALERT_EVALUATION_QUEUE = 'rum-alert-evaluation';
export const ALERT_DELIVERY_QUEUE = 'rum-alert-delivery';

/** Webhook headers: the event's id (the same on every retry) and `sha256=<hex HMAC of the body>`. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const SIGNATURE_HEADER = 'X-RUM-Signature';

/** The slice of traffic a rule watches; absent: all of it. */
export interface AlertFilters {
  device?: DeviceType;
  route?: string;
}

/** A rule as stored and listed (never with its secret or webhook URL, which may hold a token). */
export interface AlertRule {
  id: string;
  project: string;
  metric: MetricName;
  stat: AlertStat;
  /** The rule breaches while the stat is above this (ms, or unitless for CLS; 0–1 for poor-share). */
  threshold: number;
  window: AlertWindow;
  filters: AlertFilters;
  minSamples: number;
  /** Host of the webhook URL, to tell rules apart. */
  webhookHost: string;
  createdAt: string;
}

/** `ok` (or not evaluated yet) or `firing`; `streak` counts evaluations pointing the other way. */
export interface AlertRuleState {
  state: 'ok' | 'firing';
  /** When the rule last changed state (its creation when it never has). */
  since: string;
  /** Consecutive evaluations that would change the state (breaching while ok, good while firing). */
  streak: number;
  last: AlertEvaluation | null;
}

/** One evaluation's reading. `value` is null when the window had fewer than `minSamples` samples. */
export interface AlertEvaluation {
  at: string;
  value: number | null;
  samples: number;
}

/** `GET /v1/projects/:project/alerts`. */
export interface AlertsResponse {
  alerts: (AlertRule & AlertRuleState)[];
}

export type AlertEventState = 'firing' | 'resolved';

/** One state change of a rule, and how its notification fared. */
export interface AlertEvent {
  id: string;
  rule: string;
  metric: MetricName;
  stat: AlertStat;
  state: AlertEventState;
  value: number;
  threshold: number;
  samples: number;
  window: AlertWindow;
  filters: AlertFilters;
  at: string;
  delivery: {
    state: 'pending' | 'delivered' | 'failed';
    attempts: number;
    deliveredAt: string | null;
    lastError: string | null;
  };
}

/** `GET /v1/projects/:project/alert-events`, newest first. */
export interface AlertEventsResponse {
  events: AlertEvent[];
}

/**
 * The webhook body (JSON; `text` makes it a valid Slack incoming-webhook message) and the
 * socket.io `alerts` event.
 */
export interface AlertNotification {
  /** The event's id, also sent as {@link IDEMPOTENCY_KEY_HEADER}. */
  id: string;
  project: string;
  rule: Omit<AlertRule, 'webhookHost' | 'createdAt' | 'project'>;
  state: AlertEventState;
  value: number;
  threshold: number;
  samples: number;
  window: { name: AlertWindow; from: string; to: string };
  filters: AlertFilters;
  at: string;
  dashboardUrl: string;
  text: string;
}
