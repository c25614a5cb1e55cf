/**
 * Every identifier or SQL snippet that varies with a request, keyed by a validated enum.
 * Nothing a client sends is ever pasted into SQL text: a request picks an entry here.
 */
import { BREAKDOWN_DIMENSIONS, type Interval } from '@rum/contract';

/** A slice of the time axis and the relation that answers it (see window.ts `segments`). */
export type SegmentSource = 'raw' | 'hourly' | 'daily' | 'weekly';

/** The dimensions that have rollups of their own (one pair each, keyed by their value). */
export const ROLLUP_DIMENSIONS = ['page', ...BREAKDOWN_DIMENSIONS] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/**
 * Which bin rollups answer a question: those over all dimensions, one dimension's,
 * `pageDevice`, keyed by page and device type together (CrUX's url-on-a-form-factor, migration
 * 0012), `route`, keyed by (website, route template) of each row's page (0014), or
 * `routeDevice`, keyed by route and device type together (0017).
 */
export type BinRollupKey = 'overall' | RollupDimension | 'pageDevice' | 'route' | 'routeDevice';

/**
 * The packed bin rollups: per (bucket, metric, key), the bins of a bin rollup's rows packed into
 * one row, for the keys with many values (migration 0021), whose lists summed hundreds of
 * thousands of (key, bin) rows in the executor, the overall and device keys (0023), which most
 * questions read, and the rest (0024): every bin rollup has its packed twin (packed-bins.ts
 * reads them; the histogram reads the bins themselves).
 */
export const PACKED_ROLLUPS = {
  overall: 'overallPacked',
  device: 'devicePacked',
  page: 'pagePacked',
  route: 'routePacked',
  country: 'countryPacked',
  browser: 'browserPacked',
  os: 'osPacked',
  connection: 'connectionPacked',
  navigationType: 'navigationTypePacked',
  release: 'releasePacked',
  pageDevice: 'pageDevicePacked',
  routeDevice: 'routeDevicePacked',
} as const satisfies Record<BinRollupKey, string>;
export type PackedRollupKey = (typeof PACKED_ROLLUPS)[keyof typeof PACKED_ROLLUPS];

/**
 * The rollups keyed by route (website, route template) rather than page, each after those it is
 * built on.
 */
export const ROUTE_KEYED: ReadonlySet<RollupKey> = new Set([
  'route',
  'routeDevice',
  'routePacked',
  'routeDevicePacked',
]);

/**
 * Every rollup pair: the bin rollups, and the page loads (TTFB samples) without bins, CrUX's
 * fractions (page-loads.ts): `pageLoads` per page, device type and navigation type,
 * `pageLoadsByConnection` per connection type, device type and navigation type.
 */
export type RollupKey = BinRollupKey | PackedRollupKey | 'pageLoads' | 'pageLoadsByConnection';

export interface SegmentTable {
  /** A relation name from the database's own catalog or a constant here, never from a request. */
  table: string;
  /** The relation's time column. */
  time: string;
  /** How many events a row stands for (float8), summed per group. */
  samples: string;
  /** Keyed by route (`website_id`, `route`) rather than page: a route filter or group reads those. */
  byRoute?: boolean;
}

type UnpackedRollupKey = Exclude<RollupKey, PackedRollupKey>;

const ROLLUP_SUFFIXES: Readonly<Record<UnpackedRollupKey, string>> = {
  overall: 'overall',
  page: 'by_page',
  device: 'by_device',
  browser: 'by_browser',
  os: 'by_os',
  country: 'by_country',
  connection: 'by_connection',
  navigationType: 'by_navigation_type',
  release: 'by_release',
  pageDevice: 'by_page_device',
  route: 'by_route',
  routeDevice: 'by_route_device',
  pageLoads: 'page_loads',
  pageLoadsByConnection: 'page_loads_by_connection',
};

/**
 * The keys with many values, which have a weekly rollup too (migration 0015): a 30-day window
 * of their daily rows summed up to 28 rows per (value, bin). The others' daily rows are few.
 */
const WEEKLY_KEYS: ReadonlySet<UnpackedRollupKey> = new Set([
  'page',
  'route',
  'country',
  'pageDevice',
]);

/** The bin rollup key each packed key packs. */
const PACKS = new Map<RollupKey, BinRollupKey>(
  Object.entries(PACKED_ROLLUPS).map(([bin, packed]) => [packed, bin as BinRollupKey]),
);

/** The continuous aggregates of a rollup key, finest first (their materialization hypertables are read). */
export interface RollupViews {
  hourly: string;
  daily: string;
  weekly?: string;
}

/** A packed key's views are its bin rollup's, each with `_packed` (migrations 0021, 0023, 0024). */
export function rollupViewsOf(key: RollupKey): RollupViews {
  const packs = PACKS.get(key);
  const [bins, tail] = packs ? [packs, '_packed'] : [key as UnpackedRollupKey, ''];
  const suffix = `${ROLLUP_SUFFIXES[bins]}${tail}`;
  return {
    hourly: `metrics_hourly_${suffix}`,
    daily: `metrics_daily_${suffix}`,
    ...(WEEKLY_KEYS.has(bins) ? { weekly: `metrics_weekly_${suffix}` } : {}),
  };
}

/** Group columns: the metric, and each dimension's column, named alike in `metrics` and its rollups. */
export const DIMENSION_COLUMNS = {
  metric: 'name',
  page: 'page_id',
  device: 'device_type',
  browser: 'browser',
  os: 'os',
  country: 'country',
  connection: 'connection',
  navigationType: 'navigation_type',
  release: 'release',
} as const;

/**
 * What rows can be grouped by: a dimension column, or `route`, the route template of their
 * page ({@link routeKey}: from the route rollups, or from `pages` joined to raw and page rows).
 */
export type GroupColumn = keyof typeof DIMENSION_COLUMNS | 'route';

/**
 * A route group's key on relation alias `alias` (holding `website_id` and `route`, as `pages`
 * and the route rollups do): its website's id followed by the route template (which starts
 * with `/`).
 */
export const routeKey = (alias: string): string => `${alias}.website_id::text || ${alias}.route`;

/** `time_bucket()` widths, passed as an interval bind parameter. */
export const INTERVAL_SQL: Readonly<Record<Interval, string>> = {
  '1m': '1 minute',
  '5m': '5 minutes',
  '15m': '15 minutes',
  '1h': '1 hour',
  '6h': '6 hours',
  '1d': '1 day',
};
