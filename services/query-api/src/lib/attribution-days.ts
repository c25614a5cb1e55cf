/**
 * Which part of a window the daily attribution rollup answers: the whole UTC days inside it
 * that the workers have rolled (`attribution_days`), and only when no dimension filter is set
 * (the rollup keeps no dimension). Raw rows answer the rest.
 */
import { DAY_MS } from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import { filterDimensions, type Filters, type TimeWindow } from '@rum/server-kit/aggregates';

export interface AttributionSlices {
  /** Starts of the rolled days read from `attribution_daily`. */
  days: Date[];
  /** The rest of the window, as [from, to) ranges of raw rows. */
  raw: Array<{ from: Date; to: Date }>;
}

export async function attributionSlices(
  db: Pool,
  filters: Filters,
  w: TimeWindow,
): Promise<AttributionSlices> {
  const whole = { days: [], raw: [{ from: w.from, to: w.to }] };
  const firstDay = Math.ceil(w.from.getTime() / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(w.to.getTime() / DAY_MS) * DAY_MS;
  if (filterDimensions(filters).size > 0 || firstDay >= lastDay) return whole;
  const { rows } = await db.query<{ bucket: Date }>(
    `SELECT bucket FROM attribution_days WHERE bucket >= $1 AND bucket < $2 ORDER BY 1`,
    [new Date(firstDay), new Date(lastDay)],
  );
  if (rows.length === 0) return whole;
  const raw: Array<{ from: Date; to: Date }> = [];
  let cursor = w.from.getTime();
  for (const { bucket } of rows) {
    if (bucket.getTime() > cursor) raw.push({ from: new Date(cursor), to: bucket });
    cursor = bucket.getTime() + DAY_MS;
  }
  if (cursor < w.to.getTime()) raw.push({ from: new Date(cursor), to: w.to });
  return { days: rows.map((r) => r.bucket), raw };
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
