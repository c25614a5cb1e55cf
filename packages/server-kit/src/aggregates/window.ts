/**
 * The time window of a request and how it is answered: windows of an hour or less read the
 * hypertable (exact `percentile_cont`), longer ones sum histogram bins from the rollups, cut
 * into segments so that every rollup bucket read lies wholly inside the window (raw rows only
 * for the partial hours at its ends).
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  RANGE_MS,
  WEEK_MS,
  type Interval,
  type Range,
  type Source,
} from '@rum/contract';
import { badParameter } from '../http/service-error.ts';
import type { SegmentSource } from './sql-identifiers.ts';

export const INTERVAL_MS: Readonly<Record<Interval, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '1d': DAY_MS,
};

/**
 * Windows up to this long are answered from raw rows with exact percentiles; longer ones from
 * the rollups (within 2%), which a day of raw rows would be an order of magnitude slower than.
 */
export const RAW_WINDOW_MAX_MS = HOUR_MS;
/**
 * Longest window a time series with buckets under an hour (read from raw rows) may span: a
 * day, and the up to 59 minutes a `24h` range starts earlier.
 */
export const RAW_INTERVALS_MAX_WINDOW_MS = DAY_MS + HOUR_MS;
/** Longest window a from/to pair may span (raw rows are kept 13 months). */
export const MAX_WINDOW_MS = 400 * DAY_MS;
/** A time series has at most this many points. */
export const MAX_POINTS = 3000;
/** The window used when a request names neither `range` nor `from`/`to`. */
export const DEFAULT_RANGE: Range = '24h';

export interface TimeWindow {
  from: Date;
  to: Date;
  source: Source;
  /** Set when the window came from `range`: the cache key names the range, not the instants. */
  range?: Range;
}

export interface WindowQuery {
  range?: Range;
  from?: string;
  to?: string;
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

function ceilTo(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}

function parseInstant(name: 'from' | 'to', value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badParameter(name, 'must be an ISO 8601 date-time');
  return ms;
}

/**
 * `range` (and `from` alone) ends at the next whole minute, so requests within a minute ask
 * the same question; a range longer than an hour starts at a whole hour. The source is raw for
 * windows of at most an hour.
 */
export function resolveWindow(query: WindowQuery, now: number = Date.now()): TimeWindow {
  const { range, from, to } = query;
  if (range !== undefined && (from !== undefined || to !== undefined)) {
    throw badParameter('range', 'cannot be combined with from/to');
  }
  if (from === undefined && to !== undefined)
    throw badParameter('from', 'is required when to is given');
  if (from === undefined) {
    const r = range ?? DEFAULT_RANGE;
    const end = ceilTo(now, MINUTE_MS);
    const start = end - RANGE_MS[r];
    // A range read from the rollups starts at the whole hour before, so its first hour is a
    // rollup bucket too, not raw rows from a chunk that is long compressed (on TimescaleDB
    // 2.28, 13 ms to plan alone): the window spans the range plus up to 59 minutes.
    return windowBetween(RANGE_MS[r] > RAW_WINDOW_MAX_MS ? floorTo(start, HOUR_MS) : start, end, r);
  }
  const start = parseInstant('from', from);
  const end = to === undefined ? ceilTo(now, MINUTE_MS) : parseInstant('to', to);
  if (start >= end) throw badParameter('from', 'must be earlier than to');
  if (end - start > MAX_WINDOW_MS) throw badParameter('from', 'must be at most 400 days before to');
  return windowBetween(start, end);
}

/** The window [from, to) (epoch ms), read raw when it spans at most {@link RAW_WINDOW_MAX_MS}. */
export function windowBetween(from: number, to: number, range?: Range): TimeWindow {
  const source = to - from <= RAW_WINDOW_MAX_MS ? 'raw' : 'rollup';
  return { from: new Date(from), to: new Date(to), source, ...(range ? { range } : {}) };
}

export interface Segment {
  source: SegmentSource;
  from: Date;
  to: Date;
}

/**
 * Up to when (epoch ms, exclusive) the hourly, the daily and (for the keys that have one) the
 * weekly rollup are materialised.
 */
export interface Watermarks {
  hourly: number;
  daily: number;
  /** Absent: the key has no weekly rollup. */
  weekly?: number;
}

const ALL_MATERIALISED: Watermarks = { hourly: Infinity, daily: Infinity };

/** TimescaleDB's default `time_bucket` origin for timestamptz: Monday 2000-01-03 00:00 UTC. */
const TIME_BUCKET_ORIGIN = Date.UTC(2000, 0, 3);

/** Start of the `time_bucket(step, t)` bucket holding `ms` (and of the next one, with `ceil`). */
function bucketEdge(ms: number, step: number, round = floorTo): number {
  return TIME_BUCKET_ORIGIN + round(ms - TIME_BUCKET_ORIGIN, step);
}

/** Start of the week (time_bucket's: Monday 00:00 UTC) holding `ms`. */
export const weekStart = (ms: number): number => bucketEdge(ms, WEEK_MS);

/** Cuts [from, to) at the buckets of `step` (time_bucket's, from its origin) that lie wholly inside it. */
function wholeBuckets(from: number, to: number, step: number): [number, number] | undefined {
  const start = bucketEdge(from, step, ceilTo);
  const end = bucketEdge(to, step);
  return start < end ? [start, end] : undefined;
}

/**
 * Cuts a window into slices each answered by the coarsest relation whose buckets fit in it and
 * are materialised: the weekly rollup for whole weeks below its watermark (keys that have one),
 * the daily rollup for the other whole days below its own, the hourly rollup for the other
 * whole hours below its own, raw rows for the rest (the partial hours at both ends, and what
 * the rollups have not reached yet). `coarsest` limits the granularity (a 6 h time series
 * cannot read daily rows, a daily one weekly rows). A raw window is a single raw segment.
 */
export function segments(
  w: TimeWindow,
  coarsest: SegmentSource = 'weekly',
  marks: Watermarks = ALL_MATERIALISED,
): Segment[] {
  const from = w.from.getTime();
  const to = w.to.getTime();
  if (w.source === 'raw' || coarsest === 'raw') return [{ source: 'raw', from: w.from, to: w.to }];
  const hours = wholeBuckets(from, Math.min(to, marks.hourly), HOUR_MS);
  if (!hours) return [{ source: 'raw', from: w.from, to: w.to }];
  const [hourStart, hourEnd] = hours;
  const days =
    coarsest === 'hourly'
      ? undefined
      : wholeBuckets(hourStart, Math.min(hourEnd, marks.daily), DAY_MS);
  const weeks =
    days && coarsest === 'weekly' && marks.weekly !== undefined
      ? wholeBuckets(days[0], Math.min(days[1], marks.weekly), WEEK_MS)
      : undefined;
  const cuts: Array<[SegmentSource, number, number]> = [['raw', from, hourStart]];
  if (days) {
    const [dayStart, dayEnd] = days;
    cuts.push(['hourly', hourStart, dayStart]);
    if (weeks)
      cuts.push(['daily', dayStart, weeks[0]], ['weekly', ...weeks], ['daily', weeks[1], dayEnd]);
    else cuts.push(['daily', dayStart, dayEnd]);
    cuts.push(['hourly', dayEnd, hourEnd]);
  } else {
    cuts.push(['hourly', hourStart, hourEnd]);
  }
  cuts.push(['raw', hourEnd, to]);
  return cuts
    .filter(([, a, b]) => a < b)
    .map(([source, a, b]) => ({ source, from: new Date(a), to: new Date(b) }));
}

/** The coarsest relation whose buckets nest inside buckets of `interval`. */
export function coarsestFor(interval: Interval): SegmentSource {
  const ms = INTERVAL_MS[interval];
  if (ms % DAY_MS === 0) return 'daily';
  if (ms % HOUR_MS === 0) return 'hourly';
  return 'raw';
}

/** Start of the `time_bucket(interval, t)` bucket holding `t`. */
export function bucketStart(ms: number, interval: Interval): number {
  return bucketEdge(ms, INTERVAL_MS[interval]);
}

/** Start of every bucket that overlaps the window, oldest first. */
export function bucketStarts(w: TimeWindow, interval: Interval): number[] {
  const step = INTERVAL_MS[interval];
  const starts: number[] = [];
  for (let t = bucketStart(w.from.getTime(), interval); t < w.to.getTime(); t += step)
    starts.push(t);
  return starts;
}

/** The window's length in ms. */
export function spanMs(w: TimeWindow): number {
  return w.to.getTime() - w.from.getTime();
}

/** Rejects an interval the window cannot be answered at. */
export function checkInterval(w: TimeWindow, interval: Interval): void {
  // Intervals under an hour are answered from raw rows: fine for a day, too slow beyond.
  if (coarsestFor(interval) === 'raw' && spanMs(w) > RAW_INTERVALS_MAX_WINDOW_MS) {
    throw badParameter('interval', 'must be 1h or longer for windows longer than 24h');
  }
  const points = Math.ceil(spanMs(w) / INTERVAL_MS[interval]);
  if (points > MAX_POINTS) {
    throw badParameter(
      'interval',
      `too fine for this window (${points} points, at most ${MAX_POINTS})`,
    );
  }
}
