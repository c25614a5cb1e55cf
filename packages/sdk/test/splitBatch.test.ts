import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BEACON_BYTES_LIMIT,
  LIMITS,
  MAX_ERRORS_PER_BEACON,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_LEAD_MS,
  MAX_EVENTS_PER_BEACON,
  type BeaconError,
  type BeaconEvent,
} from '@rum/contract';
import { validateBeacon } from '@rum/contract/schema';
import { splitBatch } from '../src/lib/splitBatch.ts';
import { MAX_BATCH_EVENTS, MAX_SEND_AGE_MS } from '../src/lib/defaults.ts';

const base = { sid: 's1', url: 'https://example.com/p' };
const bigError = (i: number): BeaconError => ({
  message: `error ${i} ` + 'é'.repeat(2000), // 2 bytes per character in UTF-8
  stack: 'x'.repeat(20_000),
  source: 'https://example.com/app.js',
  line: 1,
  col: i,
  ts: Date.now(),
});

test('a small batch is one beacon with events and errors apart', () => {
  const bodies = splitBatch(base, [
    { id: 'v6-1', name: 'LCP', value: 1200, ts: Date.now() },
    { message: 'boom', ts: Date.now() },
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

const cls = (id: string, ageMs: number): BeaconEvent => ({
  id,
  name: 'CLS',
  value: 0.1,
  ts: Date.now() - ageMs,
});

test('items too old for the ingest window are dropped, so they cannot get the rest refused', () => {
  // A tab open for two days re-reports the CLS id first seen when it opened.
  const items = [cls('v6-old', 2 * MAX_EVENT_AGE_MS), cls('v6-new', 1000)];
  const raw = { ...base, events: items };
  assert.match(validateBeacon(raw).error!, /"events\[0\]\.ts" is more than 24 hours before/);
  const bodies = splitBatch(base, [...items, { message: 'old error', ts: items[0]!.ts }]);
  assert.equal(bodies.length, 1);
  const beacon = JSON.parse(bodies[0]!);
  assert.deepEqual(
    beacon.events.map((e: BeaconEvent) => e.id),
    ['v6-new'],
  );
  assert.deepEqual(beacon.errors, []);
  assert.equal(validateBeacon(beacon).error, undefined);
});

test('a batch of only stale items gives no beacon at all', () => {
  assert.deepEqual(splitBatch(base, [cls('v6-old', MAX_EVENT_AGE_MS + 1)]), []);
  assert.deepEqual(splitBatch(base, []), []);
});

test('the SDK stops MAX_EVENT_LEAD_MS early: what it sends passes a server clock that far ahead', () => {
  const edge = cls('v6-edge', MAX_SEND_AGE_MS - 1000);
  const inMargin = cls('v6-margin', MAX_SEND_AGE_MS + 1000); // a server in step would still take it
  assert.equal(validateBeacon({ ...base, events: [inMargin] }).error, undefined);
  const [body, ...more] = splitBatch(base, [edge, inMargin]);
  assert.equal(more.length, 0);
  const beacon = JSON.parse(body!);
  assert.deepEqual(
    beacon.events.map((e: BeaconEvent) => e.id),
    ['v6-edge'],
  );
  assert.equal(validateBeacon(beacon, Date.now() + MAX_EVENT_LEAD_MS).error, undefined);
});
