/**
 * Which part of a window the attribution rollups answer: the whole weeks inside it that the
 * workers have rolled (`attribution_weeks`), then the whole UTC days of the rest that they have
 * rolled (`attribution_days`), then the whole hours of the rest that they have rolled
 * (`attribution_hours`, the last 31 days), and only when no dimension filter is set (the
 * rollups keep no dimension). Raw rows answer the rest: the window's partial hours at its ends
 * and the hours not rolled yet (the open one, and those of the last few minutes).
 */
import { DAY_MS, HOUR_MS, WEEK_MS } from '@rum/contract';
import { ATTRIBUTION_HOURS_KEPT_MS, type Pool } from '@rum/server-kit';
import { filterDimensions, type Filters, type TimeWindow } from '@rum/server-kit/aggregates';

export interface AttributionSlices {
  /** Starts of the rolled weeks read from `attribution_weekly`. */
  weeks: Date[];
  /** Starts of the rolled days (outside those weeks) read from `attribution_daily`. */
  days: Date[];
  /** Starts of the rolled hours (outside those days) read from `attribution_hourly`. */
  hours: Date[];
  /** The rest of the window, as [from, to) ranges of raw rows. */
  raw: Array<{ from: Date; to: Date }>;
}

type Rolled = 'weeks' | 'days' | 'hours';
const SPAN_MS: Readonly<Record<Rolled, number>> = { weeks: WEEK_MS, days: DAY_MS, hours: HOUR_MS };

/** True when some of the window is read from the rollups. */
export const readsRollups = (s: AttributionSlices): boolean =>
  s.weeks.length + s.days.length + s.hours.length > 0;

export async function attributionSlices(
  db: Pool,
  filters: Filters,
  w: TimeWindow,
): Promise<AttributionSlices> {
  const from = w.from.getTime();
  const to = w.to.getTime();
  const whole = { weeks: [], days: [], hours: [], raw: [{ from: w.from, to: w.to }] };
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (filterDimensions(filters).size > 0 || firstHour >= lastHour) return whole;
  // Hours a day short of the retention's age: the policy drops whole day-long chunks, and may
  // have dropped an hour's rows before the workers forget that it was rolled.
  const keptHours = Math.max(firstHour, Date.now() - ATTRIBUTION_HOURS_KEPT_MS + DAY_MS);
  const { rows } = await db.query<{ bucket: Date; kind: Rolled }>(
    `SELECT bucket, 'weeks' AS kind FROM attribution_weeks WHERE bucket >= $1 AND bucket + INTERVAL '7 days' <= $2
     UNION ALL
     SELECT bucket, 'days' FROM attribution_days WHERE bucket >= $1 AND bucket + INTERVAL '1 day' <= $2
     UNION ALL
     SELECT bucket, 'hours' FROM attribution_hours WHERE bucket >= $3 AND bucket < $2`,
    [new Date(firstHour), new Date(lastHour), new Date(keptHours)],
  );
  // Oldest first, and at one instant the longest span first.
  rows.sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || SPAN_MS[b.kind] - SPAN_MS[a.kind]);
  const slices: AttributionSlices = { weeks: [], days: [], hours: [], raw: [] };
  let cursor = from;
  for (const { bucket, kind } of rows) {
    const start = bucket.getTime();
    // A day or an hour inside a span already read is skipped.
    if (start < cursor) continue;
    if (start > cursor) slices.raw.push({ from: new Date(cursor), to: bucket });
    slices[kind].push(bucket);
    cursor = start + SPAN_MS[kind];
  }
  if (cursor < to) slices.raw.push({ from: new Date(cursor), to: w.to });
  return slices;
}

/** `(t >= a AND t < b) OR …` over raw ranges, or FALSE when there are none. */
export function rangesSql(
  add: (value: unknown) => string,
  column: string,
  ranges: readonly { from: Date; to: Date }[],
): string {
  if (ranges.length === 0) return 'FALSE';
  return `(${ranges.map((r) => `(${column} >= ${add(r.from)} AND ${column} < ${add(r.to)})`).join(' OR ')})`;
}

/**
 * `SELECT value, rating, n, bins` of the rolled buckets of `slices` from the packed attribution
 * rollups (a row per value and rating, its bins packed: migration 0022), for one project,
 * metric and key: the rollup half of an attribution or phases query.
 */
export function rolledRowsSql(
  add: (value: unknown) => string,
  slices: AttributionSlices,
  q: { projectId: number; metric: string; key: string },
): string {
  const where = `a.project_id = ${add(q.projectId)} AND a.name = ${add(q.metric)} AND a.key = ${add(q.key)}`;
  const rows = (table: string, buckets: Date[]) =>
    `SELECT a.value, a.rating, a.samples::float8 AS n, a.bins FROM ${table} a
      WHERE ${where} AND a.bucket = ANY(${add(buckets)}::timestamptz[])`;
  return [
    rows('attribution_weekly_packed', slices.weeks),
    rows('attribution_daily_packed', slices.days),
    rows('attribution_hourly_packed', slices.hours),
  ].join('\nUNION ALL\n');
}
