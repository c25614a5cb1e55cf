/**
 * Every identifier or SQL snippet that varies with a request, keyed by a validated enum.
 * Nothing a client sends is ever pasted into SQL text: a request picks an entry here.
 */
import type { BreakdownDimension, Interval } from '@rum/contract';

/** A slice of the time axis and the relation that answers it (see window.ts `segments`). */
export type SegmentSource = 'raw' | 'hourly' | 'daily';

export interface SegmentTable {
  table: string;
  /** The relation's time column. */
  time: string;
  /** How many events a row stands for, summed per group. */
  samples: string;
}

export const SEGMENT_TABLES: Readonly<Record<SegmentSource, SegmentTable>> = {
  raw: { table: 'metrics', time: 'time', samples: 'count(*)' },
  hourly: { table: 'metrics_hourly', time: 'bucket', samples: 'sum(samples)' },
  daily: { table: 'metrics_daily', time: 'bucket', samples: 'sum(samples)' },
};

/**
 * The rollups over all dimensions (project, metric, rating, bin): much smaller, for questions
 * that neither filter nor group by a dimension other than the metric.
 */
export const OVERALL_SEGMENT_TABLES: Readonly<Record<SegmentSource, SegmentTable>> = {
  ...SEGMENT_TABLES,
  hourly: { table: 'metrics_hourly_overall', time: 'bucket', samples: 'sum(samples)' },
  daily: { table: 'metrics_daily_overall', time: 'bucket', samples: 'sum(samples)' },
};

/** Dimension columns, present with the same name in `metrics` and both rollups. */
export const DIMENSION_COLUMNS = {
  metric: 'name',
  page: 'page_id',
  device: 'device_type',
  browser: 'browser',
  os: 'os',
  country: 'country',
  connection: 'connection',
} as const;

export type GroupColumn = keyof typeof DIMENSION_COLUMNS;

export const BREAKDOWN_COLUMNS: Readonly<Record<BreakdownDimension, GroupColumn>> = {
  device: 'device',
  browser: 'browser',
  os: 'os',
  country: 'country',
  connection: 'connection',
};

/** `time_bucket()` widths, passed as an interval bind parameter. */
export const INTERVAL_SQL: Readonly<Record<Interval, string>> = {
  '1m': '1 minute',
  '5m': '5 minutes',
  '15m': '15 minutes',
  '1h': '1 hour',
  '6h': '6 hours',
  '1d': '1 day',
};
