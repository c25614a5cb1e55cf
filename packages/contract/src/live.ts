import type { MetricName, Rating } from './metrics.ts';
import type { AlertNotification } from './alerts.ts';
import type { DeviceType } from './beacon.ts';

/** Per-metric aggregate of what was committed since the previous push. */
export interface LiveMetricStats {
  count: number;
  p75: number;
  good: number;
  needsImprovement: number;
  poor: number;
}

export interface LiveEvent {
  name: MetricName;
  value: number;
  rating: Rating;
  path: string;
  device: DeviceType;
  browser: string;
  country: string;
  /** Epoch ms of the measurement. */
  ts: number;
}

/** socket.io `metrics` event: a batched live summary for one project. */
export interface LiveMetricsUpdate {
  project: string;
  /** ISO time of the push. */
  at: string;
  /** Events committed since the previous push. */
  events: number;
  byMetric: Partial<Record<MetricName, LiveMetricStats>>;
  /** The most recent events, newest first, at most {@link LIVE_RECENT_LIMIT}. */
  recent: LiveEvent[];
}

export interface LiveError {
  message: string;
  path: string;
  browser: string;
  ts: number;
}

/** socket.io `errors` event. */
export interface LiveErrorsUpdate {
  project: string;
  at: string;
  errors: LiveError[];
}

export const LIVE_RECENT_LIMIT = 20;
/** Workers push at most once per this many ms per project, aggregating what arrived. */
export const LIVE_FLUSH_MS = 250;

export interface ServerToClientEvents {
  metrics: (update: LiveMetricsUpdate) => void;
  errors: (update: LiveErrorsUpdate) => void;
  /** A rule of the project fired or resolved. */
  alerts: (notification: AlertNotification) => void;
}

// Clients only listen; the room is chosen by the token at the handshake.
export type ClientToServerEvents = Record<string, never>;
