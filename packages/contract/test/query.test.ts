import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, HOUR_MS, RANGE_MS, RANGES, defaultInterval } from '../src/index.ts';

test('the default interval of each range (what the dashboard asks for)', () => {
  assert.deepEqual(
    Object.fromEntries(RANGES.map((range) => [range, defaultInterval(RANGE_MS[range])])),
    { '1h': '1m', '24h': '1h', '7d': '6h', '28d': '1d', '30d': '1d', '90d': '1d' },
  );
});

test('the default interval of a from/to window: each edge belongs to the finer interval', () => {
  assert.equal(defaultInterval(HOUR_MS), '1m');
  assert.equal(defaultInterval(HOUR_MS + 1), '1h');
  // A range's window may start up to an hour early: it keeps its range's interval.
  assert.equal(defaultInterval(DAY_MS + HOUR_MS - 1), '1h');
  assert.equal(defaultInterval(DAY_MS + HOUR_MS + 1), '6h');
  assert.equal(defaultInterval(7 * DAY_MS + HOUR_MS - 1), '6h');
  assert.equal(defaultInterval(7 * DAY_MS + HOUR_MS + 1), '1d');
});
