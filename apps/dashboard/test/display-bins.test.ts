import { test } from 'node:test';
import assert from 'node:assert/strict';
import { THRESHOLDS } from '@rum/contract';
import { toDisplayBins } from '../src/features/histogram/utils/display-bins.ts';

const label = (v: number) => String(v);
const LCP = THRESHOLDS.LCP; // 2500 / 4000: bars 250 ms wide up to 8000, then one overflow bar

test('a bucket wider than a bar is spread over the bars it covers, keeping every sample', () => {
  const bins = toDisplayBins('LCP', LCP, [{ from: 4000, to: 4880, count: 10 }], label);
  const counts = Object.fromEntries(bins.filter((b) => b.count > 0).map((b) => [b.from, b.count]));
  // 250 + 250 + 250 + 130 ms of 880: 2.84, 2.84, 2.84, 1.48 samples, rounded on the running total.
  assert.deepEqual(counts, { 4000: 3, 4250: 3, 4500: 3, 4750: 1 });
});

test('contiguous non-empty buckets leave no empty bar between them, and the total is exact', () => {
  const buckets = [];
  for (let from = 1000; from < 9000; from *= 1.22)
    buckets.push({ from, to: from * 1.22, count: 7 });
  const bins = toDisplayBins('LCP', LCP, buckets, label);
  const filled = bins.filter((b) => b.from >= 1000 && b.from < 8000);
  assert.ok(
    filled.every((b) => b.count > 0),
    `empty bars: ${filled.filter((b) => b.count === 0).map((b) => b.from)}`,
  );
  assert.equal(
    bins.reduce((s, b) => s + b.count, 0),
    buckets.length * 7,
  );
  assert.equal(bins.at(-1)!.label, '≥ 8000', 'what lies beyond 2 x poor is in the overflow bar');
});

test('a bucket inside one bar goes to that bar whole; the threshold edges are bar edges', () => {
  const bins = toDisplayBins('LCP', LCP, [{ from: 2510, to: 2560, count: 4 }], label);
  const bar = bins.find((b) => b.count > 0)!;
  assert.deepEqual([bar.from, bar.to, bar.count, bar.rating], [2500, 2750, 4, 'needs-improvement']);
  assert.ok(bins.some((b) => b.from === 4000));
});
