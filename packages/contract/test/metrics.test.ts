import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rate, binOf, binEdges, binValue, THRESHOLDS, METRIC_NAMES } from '../src/index.ts';

test('rating uses the thresholds as edges: good <= lower, poor > upper (CrUX)', () => {
  assert.equal(rate('LCP', 2500), 'good');
  assert.equal(rate('LCP', 2500.01), 'needs-improvement');
  assert.equal(rate('LCP', 4000), 'needs-improvement');
  assert.equal(rate('LCP', 4000.01), 'poor');
  assert.equal(rate('CLS', 0.1), 'good');
  assert.equal(rate('CLS', 0.25), 'needs-improvement');
  assert.equal(rate('CLS', 0.26), 'poor');
  assert.equal(rate('INP', 200), 'good');
  assert.equal(rate('INP', 501), 'poor');
  assert.deepEqual(THRESHOLDS.TTFB, { good: 800, poor: 1800 });
  assert.deepEqual(THRESHOLDS.FCP, { good: 1800, poor: 3000 });
  assert.deepEqual(THRESHOLDS.FID, { good: 100, poor: 300 });
});

test('every value falls inside the edges of its bin, and the bin value is within 1% of it', () => {
  for (const name of METRIC_NAMES) {
    for (const value of [0.0005, 0.001, 0.01, 0.0999, 0.1, 1, 1.5, 99.9, 2500, 4000, 123456.7]) {
      const bin = binOf(name, value);
      const { from, to } = binEdges(name, bin);
      assert.ok(value >= from && value < to, `${name} ${value} in [${from}, ${to})`);
      if (bin > 0)
        assert.ok(Math.abs(binValue(name, bin) - value) / value < 0.0101, `${name} ${value}`);
    }
  }
});
