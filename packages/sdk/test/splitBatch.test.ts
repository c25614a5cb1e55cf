import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BEACON_BYTES_LIMIT,
  LIMITS,
  MAX_ERRORS_PER_BEACON,
  MAX_EVENTS_PER_BEACON,
  type BeaconError,
} from '@rum/shared/contract';
import { validateBeacon } from '@rum/shared';
import { splitBatch } from '../src/lib/splitBatch.ts';
import { MAX_BATCH_EVENTS } from '../src/lib/defaults.ts';

const base = { sid: 's1', url: 'https://example.com/p' };
const bigError = (i: number): BeaconError => ({
  message: `error ${i} ` + 'é'.repeat(2000), // 2 bytes per character in UTF-8
  stack: 'x'.repeat(20_000),
  source: 'https://example.com/app.js',
  line: 1,
  col: i,
  ts: 1_700_000_000_000,
});

test('a small batch is one beacon with events and errors apart', () => {
  const bodies = splitBatch(base, [
    { id: 'v6-1', name: 'LCP', value: 1200, ts: 1_700_000_000_000 },
    { message: 'boom', ts: 1_700_000_000_000 },
  ]);
  assert.equal(bodies.length, 1);
  const beacon = JSON.parse(bodies[0]!);
  assert.deepEqual(
    beacon.events.map((e: { name: string }) => e.name),
    ['LCP'],
  );
  assert.deepEqual(
    beacon.errors.map((e: { message: string }) => e.message),
    ['boom'],
  );
  assert.equal(validateBeacon(beacon).error, undefined);
});

test('an oversized batch is split into beacons under 60 KB that keep every item, clipped to the schema', () => {
  const items = Array.from({ length: MAX_BATCH_EVENTS }, (_, i) => bigError(i));
  const bodies = splitBatch(base, items);
  assert.ok(bodies.length > 1);
  const seen: number[] = [];
  for (const body of bodies) {
    assert.ok(Buffer.byteLength(body) <= BEACON_BYTES_LIMIT, `${Buffer.byteLength(body)} bytes`);
    const beacon = JSON.parse(body);
    assert.equal(validateBeacon(beacon).error, undefined);
    for (const error of beacon.errors) {
      assert.equal(error.stack.length, LIMITS.stack);
      assert.equal(error.message.length, LIMITS.message);
      seen.push(error.col);
    }
  }
  assert.deepEqual(
    seen,
    items.map((e) => e.col),
  );
});

test('a full queue never exceeds the per-beacon counts, so only bytes need checking', () => {
  assert.ok(MAX_BATCH_EVENTS <= MAX_ERRORS_PER_BEACON && MAX_BATCH_EVENTS <= MAX_EVENTS_PER_BEACON);
});
