import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheKey } from '../src/lib/cache-key.ts';

test('cache keys are canonical: sorted, encoded, undefined dropped', () => {
  assert.equal(
    cacheKey('demo', 'summary', {
      range: '24h',
      page: '/a b&c',
      metric: undefined,
      device: 'mobile',
    }),
    'project:demo:summary:device=mobile&page=%2Fa%20b%26c&range=24h',
  );
});
