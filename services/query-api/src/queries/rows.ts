/** Row shapes read from `metrics` and `js_errors` joined to their page, mapped to the API's. */
import type { ErrorRow, MetricName, MetricRow, Rating } from '@rum/contract';

/** Columns selected from `metrics m` joined to `pages p` and `websites w`. */
export const METRIC_ROW_COLUMNS = `m.time, m.name, m.value, m.rating, m.session_id, w.domain, p.path,
  m.device_type, m.browser, m.os, m.country, m.connection, m.navigation_type, m.attribution`;

export interface MetricDbRow {
  time: Date;
  name: MetricName;
  value: number;
  rating: Rating;
  session_id: string;
  domain: string;
  path: string;
  device_type: string;
  browser: string;
  os: string;
  country: string;
  connection: string | null;
  navigation_type: string | null;
  attribution: Record<string, string | number> | null;
}

export function toMetricRow(r: MetricDbRow): MetricRow {
  return {
    time: r.time.toISOString(),
    name: r.name,
    value: r.value,
    rating: r.rating,
    sessionId: r.session_id,
    domain: r.domain,
    path: r.path,
    device: r.device_type,
    browser: r.browser,
    os: r.os,
    country: r.country,
    connection: r.connection,
    navigationType: r.navigation_type,
    attribution: r.attribution,
  };
}

/** The API's error row as selected: the same columns, with the time still a Date. */
export interface ErrorDbRow extends Omit<ErrorRow, 'time'> {
  time: Date;
}

export function toErrorRow(r: ErrorDbRow): ErrorRow {
  return { ...r, time: r.time.toISOString() };
}
