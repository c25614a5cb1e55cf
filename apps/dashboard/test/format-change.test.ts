import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoodShareChange, formatP75Change } from '../src/lib/format.ts';

test('a p75 change is written as the value is, signed; lower is better', () => {
  assert.deepEqual(formatP75Change('LCP', 340), { text: '+340 ms', tone: 'worse' });
  assert.deepEqual(formatP75Change('LCP', -1234.5), { text: '−1.23 s', tone: 'better' });
  assert.deepEqual(formatP75Change('INP', -12.4), { text: '−12 ms', tone: 'better' });
  // 999.6 ms rounds to a whole second: written in seconds, as formatMetric writes 1000 ms.
  assert.deepEqual(formatP75Change('TTFB', 999.6), { text: '+1.00 s', tone: 'worse' });
  assert.deepEqual(formatP75Change('CLS', 0.0125), { text: '+0.013', tone: 'worse' });
  assert.deepEqual(formatP75Change('CLS', -0.1), { text: '−0.100', tone: 'better' });
});

test('a p75 change that rounds to nothing as written is neither better nor worse', () => {
  assert.deepEqual(formatP75Change('LCP', 0), { text: '±0 ms', tone: 'same' });
  assert.deepEqual(formatP75Change('LCP', -0.4), { text: '±0 ms', tone: 'same' });
  assert.deepEqual(formatP75Change('CLS', 0.0004), { text: '±0.000', tone: 'same' });
});

test('a good-share change is in whole percentage points; higher is better', () => {
  assert.deepEqual(formatGoodShareChange(0.05), { text: '+5 pts', tone: 'better' });
  assert.deepEqual(formatGoodShareChange(-0.126), { text: '−13 pts', tone: 'worse' });
  assert.deepEqual(formatGoodShareChange(0.004), { text: '±0 pts', tone: 'same' });
  assert.deepEqual(formatGoodShareChange(-1), { text: '−100 pts', tone: 'worse' });
});
