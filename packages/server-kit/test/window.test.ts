/** Window resolution and segmentation: pure functions, no database. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '@rum/contract';
import {
  bucketStarts,
  resolveWindow,
  segments,
  type TimeWindow,
  type Watermarks,
} from '../src/aggregates/window.ts';

const NOW = Date.parse('2026-03-10T13:47:12.345Z');

test('range windows end at the next whole minute and pick their source by length', () => {
  const day = resolveWindow({ range: '24h' }, NOW);
  assert.equal(day.to.toISOString(), '2026-03-10T13:48:00.000Z');
  // A range read from the rollups starts at the whole hour before to - range.
  assert.equal(day.from.toISOString(), '2026-03-09T13:00:00.000Z');
  const hour = resolveWindow({ range: '1h' }, NOW);
  assert.equal(hour.to.getTime() - hour.from.getTime(), HOUR_MS, 'a raw range is exact');
  assert.equal(day.source, 'rollup');
  assert.equal(resolveWindow({ range: '1h' }, NOW).source, 'raw');
  assert.equal(resolveWindow({ range: '7d' }, NOW).source, 'rollup');
  assert.equal(resolveWindow({}, NOW).range, '24h');
  assert.equal(
    resolveWindow({ range: '24h' }, NOW + 30_000).to.getTime(),
    day.to.getTime(),
    'same minute, same window',
  );
});

test('from/to windows are taken as given; a span over an hour reads the rollups', () => {
  const w = resolveWindow({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T01:00:00Z' }, NOW);
  assert.equal(w.source, 'raw');
  assert.equal(w.range, undefined);
  assert.equal(
    resolveWindow({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T01:00:01Z' }, NOW).source,
    'rollup',
  );
});

const WEEK_MS = 7 * DAY_MS;
/** time_bucket's weeks start on Monday 00:00 UTC, counted from Monday 2000-01-03. */
const WEEK_ORIGIN = Date.UTC(2000, 0, 3);

function check(w: TimeWindow, marks?: Watermarks) {
  const segs = segments(w, 'weekly', marks);
  assert.equal(segs[0]!.from.getTime(), w.from.getTime(), 'starts at from');
  assert.equal(segs.at(-1)!.to.getTime(), w.to.getTime(), 'ends at to');
  for (let i = 1; i < segs.length; i++)
    assert.equal(segs[i]!.from.getTime(), segs[i - 1]!.to.getTime(), 'contiguous');
  for (const s of segs) {
    assert.ok(s.from < s.to, 'not empty');
    if (s.source === 'hourly')
      assert.ok(s.from.getTime() % HOUR_MS === 0 && s.to.getTime() % HOUR_MS === 0);
    if (s.source === 'daily')
      assert.ok(s.from.getTime() % DAY_MS === 0 && s.to.getTime() % DAY_MS === 0);
    if (s.source === 'weekly') {
      assert.ok((s.from.getTime() - WEEK_ORIGIN) % WEEK_MS === 0, 'weeks start on Monday');
      assert.ok((s.to.getTime() - WEEK_ORIGIN) % WEEK_MS === 0, 'whole weeks');
    }
    if (s.source === 'raw')
      assert.ok(s.to.getTime() - s.from.getTime() < HOUR_MS, 'raw only for partial hours');
  }
  return segs.map((s) => s.source);
}

test('segments: raw partial hours, hourly partial days, daily whole days', () => {
  // A range starts at a whole hour: no raw rows at its start.
  assert.deepEqual(check(resolveWindow({ range: '30d' }, NOW)), [
    'hourly',
    'daily',
    'hourly',
    'raw',
  ]);
  assert.deepEqual(
    check(resolveWindow({ from: '2026-02-08T13:47:00Z', to: '2026-03-10T13:48:00Z' }, NOW)),
    ['raw', 'hourly', 'daily', 'hourly', 'raw'],
  );
  assert.deepEqual(
    check(resolveWindow({ from: '2026-03-01T00:00:00Z', to: '2026-03-05T00:00:00Z' }, NOW)),
    ['daily'],
  );
  assert.deepEqual(
    check(resolveWindow({ from: '2026-03-01T10:00:00Z', to: '2026-03-02T11:30:00Z' }, NOW)),
    ['hourly', 'raw'],
  );
  for (let i = 0; i < 200; i++) {
    const from = NOW - Math.round(Math.random() * 20 * DAY_MS);
    const span = DAY_MS + 1 + Math.round(Math.random() * 40 * DAY_MS);
    check(
      resolveWindow(
        { from: new Date(from).toISOString(), to: new Date(from + span).toISOString() },
        NOW,
      ),
    );
  }
});

test("segments stop at the rollups' watermarks: hourly rows past the daily one, raw rows past the hourly one", () => {
  const w = resolveWindow({ range: '7d' }, NOW);
  // Daily rollup materialised up to 2 days ago at midnight, hourly up to 80 minutes ago.
  const marks = {
    daily: Math.floor(NOW / DAY_MS) * DAY_MS - DAY_MS,
    hourly: Math.floor((NOW - 80 * MINUTE_MS) / HOUR_MS) * HOUR_MS,
  };
  const segs = segments(w, 'daily', marks);
  check(w);
  const hourly = segs.filter((s) => s.source === 'hourly');
  const daily = segs.filter((s) => s.source === 'daily');
  assert.equal(daily.at(-1)!.to.getTime(), marks.daily, 'daily rows only below their watermark');
  assert.equal(hourly.at(-1)!.to.getTime(), marks.hourly, 'hourly rows only below theirs');
  const tail = segs.at(-1)!;
  assert.deepEqual(
    [tail.source, tail.from.getTime(), tail.to.getTime()],
    ['raw', marks.hourly, w.to.getTime()],
    'raw rows for everything past the hourly watermark',
  );
  // A rollup never materialised: raw rows for the whole window.
  assert.deepEqual(
    segments(w, 'daily', { hourly: -Infinity, daily: -Infinity }).map((s) => s.source),
    ['raw'],
  );
});

test('segments: whole weeks from a weekly rollup where the key has one, below its watermark', () => {
  const everything = { hourly: Infinity, daily: Infinity, weekly: Infinity };
  const month = resolveWindow({ range: '30d' }, NOW);
  const segs = segments(month, 'weekly', everything);
  // From 13:00 on Sunday 2026-02-08: that day's hours, then whole weeks from Monday the 9th.
  assert.deepEqual(check(month, everything), ['hourly', 'weekly', 'daily', 'hourly', 'raw']);
  const weeks = segs.find((s) => s.source === 'weekly')!;
  // 2026-03-10 is a Tuesday: the window's whole weeks are Monday 2026-02-09 to Monday 2026-03-09.
  assert.deepEqual(
    [weeks.from.toISOString(), weeks.to.toISOString()],
    ['2026-02-09T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
  );
  // The weekly rollup materialised up to Monday 2026-03-02: the last week is read from daily rows.
  const marks = { ...everything, weekly: Date.parse('2026-03-02T00:00:00Z') };
  const short = segments(month, 'weekly', marks).find((s) => s.source === 'weekly')!;
  assert.equal(short.to.getTime(), marks.weekly);
  check(month, marks);
  // No weekly rollup (no mark), or a coarsest of daily (a daily time series): no weekly rows.
  assert.ok(!segments(month, 'weekly').some((s) => s.source === 'weekly'));
  assert.ok(!segments(month, 'daily', everything).some((s) => s.source === 'weekly'));
  // A week that is not whole inside the window is read from daily rows.
  assert.deepEqual(
    check(
      resolveWindow({ from: '2026-03-03T00:00:00Z', to: '2026-03-09T00:00:00Z' }, NOW),
      everything,
    ),
    ['daily'],
  );
  for (let i = 0; i < 200; i++) {
    const from = NOW - Math.round(Math.random() * 60 * DAY_MS);
    const span = DAY_MS + 1 + Math.round(Math.random() * 60 * DAY_MS);
    const w = resolveWindow(
      { from: new Date(from).toISOString(), to: new Date(from + span).toISOString() },
      NOW,
    );
    check(w, everything);
    check(w, { ...everything, weekly: NOW - Math.round(Math.random() * 30 * DAY_MS) });
  }
});

test('a raw window is one raw segment', () => {
  assert.deepEqual(
    segments(resolveWindow({ range: '1h' }, NOW)).map((s) => s.source),
    ['raw'],
  );
});

test('time buckets are aligned like time_bucket() and cover the window', () => {
  const w = resolveWindow({ from: '2026-03-10T01:07:00Z', to: '2026-03-10T03:00:00Z' }, NOW);
  assert.deepEqual(
    bucketStarts(w, '1h').map((t) => new Date(t).toISOString()),
    ['2026-03-10T01:00:00.000Z', '2026-03-10T02:00:00.000Z'],
  );
  assert.equal(bucketStarts(w, '15m').length, 8);
  assert.equal(
    bucketStarts(
      resolveWindow({ from: '2026-03-09T13:48:00Z', to: '2026-03-10T13:48:00Z' }, NOW),
      '1m',
    ).length,
    24 * 60,
  );
  assert.equal(bucketStarts(w, '1m')[0], Date.parse('2026-03-10T01:07:00Z'));
  assert.equal(MINUTE_MS, 60_000);
});
