/**
 * How attribution is read out of `metrics.attribution` (jsonb, as the SDK's attribution build
 * sends it), in one place for the query API (raw rows) and the workers (the daily rollup,
 * `attribution_daily`): the normalised value of a ranking key, the duration of a phase, the bin
 * of a duration. Every snippet is built from constants, never from a request.
 *
 * The daily rollup (db/migrations/0008): once no event of a UTC day can still arrive, its
 * samples of LCP, INP and CLS are counted per project, metric, attribution key, value, rating
 * and bin, keeping the top values of each key and summing the rest as `(other)`; LCP subparts
 * and INP phases are counted per bin of their duration. The table's size follows the number of
 * days, not the number of distinct selectors or URLs. Not a continuous aggregate: those cannot
 * rank (top N per day), and one keyed by the value would grow with every distinct selector. A
 * day is claimed by inserting its row into `attribution_days` in the same transaction as its
 * rows, so it is rolled exactly once however many worker processes run.
 *
 * The hourly rollup (db/migrations/0013) does the same per complete hour, kept 32 days, so no
 * window reads more than its partial hours' raw rows. An hour is rolled as soon as it is
 * complete, and again whenever its count of events has changed since (late beacons).
 *
 * The weekly rollup (db/migrations/0018) is the sum of a settled week's rolled days, so a long
 * window reads one row per value and bin for each whole week in it.
 *
 * Each bucket rolled into one of them is packed in the same transaction into its `_packed` twin
 * (db/migrations/0022), a row per value and rating with its bins in a bytea: what the query API
 * reads.
 */
import {
  ATTRIBUTED_METRICS,
  ATTRIBUTION_KEYS,
  DAY_MS,
  HOUR_MS,
  MAX_EVENT_AGE_MS,
  WEEK_MS,
  PHASED_METRICS,
  PHASES,
  THRESHOLDS,
  type AttributedMetric,
  type MetricName,
  type PhasedMetric,
} from '@rum/contract';
import { withTransaction, type Pool } from './db.ts';
import { packedEntrySql } from './aggregates/bin-percentiles.ts';
import { weekStart } from './aggregates/window.ts';

/** Longest attribution value kept (selectors and URLs are unbounded text); longer ones are cut. */
export const ATTRIBUTION_VALUE_MAX = 200;

/** Values per project, metric, key and day that keep their own rows in the daily rollup; the rest are `(other)`. */
export const ATTRIBUTION_TOP_VALUES = 50;

/** The daily rollup's value for samples beyond the top ones, and for samples without the key. */
export const OTHER_VALUE = '(other)';
export const NONE_VALUE = '(none)';

/** The rollup's `key` under which LCP subparts and INP phases are kept (value: the phase name). */
export const PHASE_KEY = 'phase';

/** True when `key` ranks `metric`'s samples (a key of {@link ATTRIBUTION_KEYS}). */
export function isAttributionKey(metric: AttributedMetric, key: string): boolean {
  return (ATTRIBUTION_KEYS[metric] as readonly string[]).includes(key);
}

/**
 * The normalised value of `key` on row alias `alias`, NULL when absent or empty: a resource
 * URL loses its query string and fragment (signed URLs carry tokens, and each query would be a
 * value of its own), and every value is cut to {@link ATTRIBUTION_VALUE_MAX} characters.
 * `key` must be one of ATTRIBUTION_KEYS (checked: it is pasted into SQL as a literal).
 */
export function attributionValueSql(alias: string, key: string): string {
  if (!/^[A-Za-z]+$/.test(key)) throw new Error(`not an attribution key: ${key}`);
  const text = `(${alias}.attribution->>'${key}')`;
  const cleaned = key === 'url' ? `regexp_replace(${text}, '[?#].*$', '')` : text;
  return `nullif(left(${cleaned}, ${ATTRIBUTION_VALUE_MAX}), '')`;
}

/** Duration (ms) of `phase` on row alias `alias`: NULL unless a finite number >= 0. */
export function phaseValueSql(alias: string, phase: string): string {
  if (!/^[A-Za-z]+$/.test(phase)) throw new Error(`not a phase: ${phase}`);
  const field = `${alias}.attribution->'${phase}'`;
  return `(CASE WHEN jsonb_typeof(${field}) = 'number' AND (${field})::float8 >= 0
            THEN (${field})::float8 END)`;
}

/**
 * `phase, v`: select-list items that turn each row of `alias` into one row per phase of
 * `metric` (its name and duration), for a subquery whose outer query reads `phase` and `v`.
 * Two zipped `unnest`s rather than a LATERAL join on VALUES: for the join the planner put a
 * Memoize on the VALUES keyed by the row's attribution, which never hits and doubled the time
 * (measured on TimescaleDB 2.28, a day of LCP rows at 10M events: 1,303 ms against 550 ms).
 */
export function phaseColumnsSql(alias: string, metric: PhasedMetric): string {
  const names = PHASES[metric].map((phase) => `'${phase}'`);
  const values = PHASES[metric].map((phase) => phaseValueSql(alias, phase));
  return `unnest(ARRAY[${names.join(', ')}]) AS phase, unnest(ARRAY[${values.join(', ')}]::float8[]) AS v`;
}

/**
 * The log-spaced bin of a duration in ms, as `metrics.bin` computes it for a millisecond
 * metric (must match binOf() in @rum/contract).
 */
export function durationBinSql(expression: string): string {
  return `(CASE WHEN ${expression} < 1 THEN 0 ELSE 1 + floor(ln(${expression}) / ln(1.02))::smallint END)`;
}

/** The rating of `alias.value` by the thresholds of `metric` (CrUX edges), as the raw queries rate. */
export function ratingSql(alias: string, metric: MetricName): string {
  const { good, poor } = THRESHOLDS[metric];
  return `(CASE WHEN ${alias}.value <= ${good} THEN 'good' WHEN ${alias}.value > ${poor} THEN 'poor'
            ELSE 'needs-improvement' END)`;
}

/**
 * How long after its end a day is rolled: ingest takes events up to MAX_EVENT_AGE_MS old, and
 * a backlog in the queue may hold them a while longer. Until then the query API reads the
 * day's raw rows.
 */
export const ATTRIBUTION_SETTLE_MS = MAX_EVENT_AGE_MS + 6 * HOUR_MS;

/** Raw rows are kept 13 months: no day older than this is looked at. */
const OLDEST_DAY_MS = 400 * DAY_MS;

/** Where a roll writes: the daily table, or the hourly one for the days not settled yet. */
type RollupTable = 'attribution_daily' | 'attribution_hourly';

function valuesSql(metric: AttributedMetric, key: string, table: RollupTable): string {
  return `WITH v AS (
      SELECT m.project_id, ${attributionValueSql('m', key)} AS value, ${ratingSql('m', metric)} AS rating, m.bin
        FROM metrics m WHERE m.time >= $1 AND m.time < $2 AND m.name = '${metric}'
    ), ranked AS (
      SELECT project_id, value,
             row_number() OVER (PARTITION BY project_id
               ORDER BY count(*) FILTER (WHERE rating = 'poor') DESC, count(*) DESC, value) AS rank
        FROM v WHERE value IS NOT NULL GROUP BY project_id, value
    )
    INSERT INTO ${table} (bucket, project_id, name, key, value, rating, bin, samples)
    SELECT $1, v.project_id, '${metric}', '${key}',
           CASE WHEN v.value IS NULL THEN '${NONE_VALUE}'
                WHEN r.rank <= ${ATTRIBUTION_TOP_VALUES} THEN v.value ELSE '${OTHER_VALUE}' END,
           v.rating, v.bin, count(*)
      FROM v LEFT JOIN ranked r ON r.project_id = v.project_id AND r.value = v.value
     GROUP BY 2, 5, 6, 7
    ON CONFLICT DO NOTHING`;
}

function phasesSql(metric: PhasedMetric, table: RollupTable): string {
  return `INSERT INTO ${table} (bucket, project_id, name, key, value, rating, bin, samples)
    SELECT $1, ph.project_id, '${metric}', '${PHASE_KEY}', ph.phase, ${ratingSql('ph', metric)},
           ${durationBinSql('ph.v')}, count(*)
      FROM (SELECT m.project_id, m.value, ${phaseColumnsSql('m', metric)} FROM metrics m
             WHERE m.time >= $1 AND m.time < $2 AND m.name = '${metric}') ph
     WHERE ph.v IS NOT NULL
     GROUP BY 2, 5, 6, 7
    ON CONFLICT DO NOTHING`;
}

/**
 * Packs the rows of `table` in [$1, $2) into its packed twin (migration 0022): per value and
 * rating, the samples and each bin's count (bin int2, samples int8), what the query API reads.
 */
const packSql = (table: RollupTable | 'attribution_weekly'): string =>
  `INSERT INTO ${table}_packed (bucket, project_id, name, key, value, rating, samples, bins)
   SELECT bucket, project_id, name, key, value, rating, sum(samples),
          string_agg(${packedEntrySql('bin', 'samples')}, ''::bytea)
     FROM ${table} WHERE bucket >= $1 AND bucket < $2
    GROUP BY bucket, project_id, name, key, value, rating`;

/** The statements that fill `table` and its packed twin with the bucket [$1, $2). */
const statementsFor = (table: RollupTable): string[] => [
  ...ATTRIBUTED_METRICS.flatMap((metric) =>
    ATTRIBUTION_KEYS[metric].map((key) => valuesSql(metric, key, table)),
  ),
  ...PHASED_METRICS.map((metric) => phasesSql(metric, table)),
  packSql(table),
];

const DAILY_STATEMENTS = statementsFor('attribution_daily');
const HOURLY_STATEMENTS = statementsFor('attribution_hourly');

/** Rolls one day, unless another process has; true when this call did. */
export async function rollAttributionDay(pool: Pool, day: Date): Promise<boolean> {
  const next = new Date(day.getTime() + DAY_MS);
  return withTransaction(pool, async (client) => {
    // A day without events is not claimed: events written into it later (a back-filled history)
    // are then rolled when it is next looked at.
    const claimed = await client.query(
      `INSERT INTO attribution_days (bucket)
       SELECT $1 WHERE EXISTS (SELECT 1 FROM metrics WHERE time >= $1 AND time < $2)
       ON CONFLICT DO NOTHING`,
      [day, next],
    );
    if (claimed.rowCount === 0) return false;
    for (const sql of DAILY_STATEMENTS) await client.query(sql, [day, next]);
    return true;
  });
}

/** The first day not settled at `now`: days before it are rolled into `attribution_daily`. */
const firstUnsettledDay = (now: number): number =>
  Math.floor((now - ATTRIBUTION_SETTLE_MS) / DAY_MS) * DAY_MS;

/**
 * Rolls one hour holding `events` LCP, INP and CLS events (as just counted), replacing its rows,
 * unless it was rolled with that count already (by this or another process); true when this
 * call did. Two processes rolling the same hour with the same count: the second waits on the
 * first's row and then finds the count equal.
 */
export async function rollAttributionHour(
  pool: Pool,
  hour: Date,
  events: number,
): Promise<boolean> {
  const next = new Date(hour.getTime() + HOUR_MS);
  return withTransaction(pool, async (client) => {
    const claimed = await client.query(
      `INSERT INTO attribution_hours AS h (bucket, events) VALUES ($1, $2)
       ON CONFLICT (bucket) DO UPDATE SET events = excluded.events, rolled_at = now()
       WHERE h.events <> excluded.events`,
      [hour, events],
    );
    if (claimed.rowCount === 0) return false;
    await client.query(`DELETE FROM attribution_hourly WHERE bucket = $1`, [hour]);
    await client.query(`DELETE FROM attribution_hourly_packed WHERE bucket = $1`, [hour]);
    for (const sql of HOURLY_STATEMENTS) await client.query(sql, [hour, next]);
    return true;
  });
}

/**
 * How long hours are kept (a retention policy drops older ones, db/migrations/0013): a day
 * longer than the longest preset window, so a window's first, partial day reads rolled hours.
 */
export const ATTRIBUTION_HOURS_KEPT_MS = 32 * DAY_MS;

/**
 * Rolls every complete hour in [from, to) whose count of LCP, INP and CLS events differs from
 * when it was last rolled (new hours, and hours late or back-filled events arrived in), oldest
 * first; returns the hours it rolled. Both ends are cut to whole hours kept and complete at `now`.
 */
export async function rollAttributionHours(
  pool: Pool,
  from: Date,
  to: Date,
  now = Date.now(),
): Promise<Date[]> {
  const kept = Math.max(from.getTime(), now - ATTRIBUTION_HOURS_KEPT_MS);
  const first = new Date(Math.ceil(kept / HOUR_MS) * HOUR_MS);
  const last = new Date(Math.min(to.getTime(), Math.floor(now / HOUR_MS) * HOUR_MS));
  if (first >= last) return [];
  const [{ rows: counts }, { rows: rolled }] = await Promise.all([
    pool.query<{ bucket: Date; events: string }>(
      `SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, count(*) AS events FROM metrics
        WHERE time >= $1 AND time < $2 AND name = ANY($3::text[]) GROUP BY 1 ORDER BY 1`,
      [first, last, ATTRIBUTED_METRICS],
    ),
    pool.query<{ bucket: Date; events: string }>(
      `SELECT bucket, events FROM attribution_hours WHERE bucket >= $1 AND bucket < $2`,
      [first, last],
    ),
  ]);
  const known = new Map(rolled.map((r) => [r.bucket.getTime(), r.events]));
  const done: Date[] = [];
  for (const { bucket, events } of counts) {
    if (known.get(bucket.getTime()) === events) continue;
    if (await rollAttributionHour(pool, bucket, Number(events))) done.push(bucket);
  }
  return done;
}

/**
 * The hours the workers look at every few minutes: those of the days not settled yet, where
 * late beacons can still arrive. With `all`, every hour kept (a process's first run, which
 * catches up on hours rolled by no one, as after an upgrade).
 */
export async function rollRecentAttributionHours(
  pool: Pool,
  now = Date.now(),
  all = false,
): Promise<Date[]> {
  const from = all ? now - ATTRIBUTION_HOURS_KEPT_MS : firstUnsettledDay(now);
  // Hours the retention policy has dropped (or is about to) are no longer rolled.
  await pool.query(`DELETE FROM attribution_hours WHERE bucket < $1`, [
    new Date(now - ATTRIBUTION_HOURS_KEPT_MS),
  ]);
  return rollAttributionHours(pool, new Date(from), new Date(now), now);
}

/**
 * Rolls every settled day that has events and is not rolled yet, oldest first, then the weeks
 * those days complete ({@link rollSettledAttributionWeeks}); returns the days it rolled.
 */
export async function rollSettledAttributionDays(pool: Pool, now = Date.now()): Promise<Date[]> {
  const until = firstUnsettledDay(now);
  const { rows } = await pool.query<{ first: Date | null }>(
    `SELECT min(time) AS first FROM metrics WHERE time >= $1 AND time < $2`,
    [new Date(until - OLDEST_DAY_MS), new Date(until)],
  );
  const first = rows[0]?.first;
  if (!first) return [];
  const { rows: done } = await pool.query<{ bucket: Date }>(
    `SELECT bucket FROM attribution_days WHERE bucket >= $1`,
    [first],
  );
  const rolledAlready = new Set(done.map((d) => d.bucket.getTime()));
  const rolled: Date[] = [];
  for (let t = Math.floor(first.getTime() / DAY_MS) * DAY_MS; t < until; t += DAY_MS) {
    if (rolledAlready.has(t)) continue;
    if (await rollAttributionDay(pool, new Date(t))) rolled.push(new Date(t));
  }
  await rollSettledAttributionWeeks(pool, first, now);
  return rolled;
}

/**
 * Sums one settled week's rolled days into `attribution_weekly`, unless another process has,
 * or a day of it that has events is not rolled (yet: being rolled by another process, whose
 * rows this transaction cannot see); true when this call did.
 */
export async function rollAttributionWeek(pool: Pool, week: Date): Promise<boolean> {
  const next = new Date(week.getTime() + WEEK_MS);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ unrolled: number }>(
      `SELECT count(*)::int AS unrolled FROM generate_series($1::timestamptz, $2::timestamptz - INTERVAL '1 day', INTERVAL '1 day') d
        WHERE NOT EXISTS (SELECT 1 FROM attribution_days a WHERE a.bucket = d)
          AND EXISTS (SELECT 1 FROM metrics m WHERE m.time >= d AND m.time < d + INTERVAL '1 day')`,
      [week, next],
    );
    if (rows[0]!.unrolled > 0) return false;
    const claimed = await client.query(
      `INSERT INTO attribution_weeks (bucket) VALUES ($1) ON CONFLICT DO NOTHING`,
      [week],
    );
    if (claimed.rowCount === 0) return false;
    await client.query(
      `INSERT INTO attribution_weekly (bucket, project_id, name, key, value, rating, bin, samples)
       SELECT $1, project_id, name, key, value, rating, bin, sum(samples)
         FROM attribution_daily WHERE bucket >= $1 AND bucket < $2
        GROUP BY project_id, name, key, value, rating, bin`,
      [week, next],
    );
    await client.query(packSql('attribution_weekly'), [week, next]);
    return true;
  });
}

/**
 * Rolls every week from the one holding `from` whose days are all settled at `now` and not
 * rolled yet, oldest first; returns those it rolled. A week without any rolled day is left
 * alone (nothing to sum, and events written into it later are rolled with it).
 */
export async function rollSettledAttributionWeeks(
  pool: Pool,
  from: Date,
  now = Date.now(),
): Promise<Date[]> {
  const until = firstUnsettledDay(now);
  const first = weekStart(from.getTime());
  const { rows } = await pool.query<{ week: Date }>(
    `SELECT DISTINCT time_bucket(INTERVAL '7 days', d.bucket) AS week FROM attribution_days d
      WHERE d.bucket >= $1 AND d.bucket < $2
        AND NOT EXISTS (SELECT 1 FROM attribution_weeks w
                         WHERE w.bucket = time_bucket(INTERVAL '7 days', d.bucket))
      ORDER BY 1`,
    [new Date(first), new Date(until)],
  );
  const rolled: Date[] = [];
  for (const { week } of rows) {
    if (week.getTime() + WEEK_MS > until) continue;
    if (await rollAttributionWeek(pool, week)) rolled.push(week);
  }
  return rolled;
}

/**
 * Rolls the days of [from, to) again, for events written into days already rolled (a
 * back-filled history): their rows are replaced in one transaction each, and the weeks holding
 * them are summed again.
 */
export async function rerollAttributionDays(pool: Pool, from: Date, to: Date): Promise<Date[]> {
  const first = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  await pool.query(
    `WITH gone AS (DELETE FROM attribution_days WHERE bucket >= $1 AND bucket < $2 RETURNING bucket),
          bins AS (DELETE FROM attribution_daily WHERE bucket IN (SELECT bucket FROM gone))
     DELETE FROM attribution_daily_packed WHERE bucket IN (SELECT bucket FROM gone)`,
    [new Date(first), to],
  );
  await pool.query(
    `WITH gone AS (DELETE FROM attribution_weeks WHERE bucket >= $1 AND bucket < $2 RETURNING bucket),
          bins AS (DELETE FROM attribution_weekly WHERE bucket IN (SELECT bucket FROM gone))
     DELETE FROM attribution_weekly_packed WHERE bucket IN (SELECT bucket FROM gone)`,
    [new Date(weekStart(first)), to],
  );
  return rollSettledAttributionDays(pool);
}
