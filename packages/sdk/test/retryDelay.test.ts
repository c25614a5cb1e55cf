import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelay } from '../src/lib/retryDelay.ts';
import { RETRY_BASE_DELAY_MS } from '../src/lib/defaults.ts';

test('Retry-After in seconds', () => {
  assert.equal(retryDelay('0', 0), 0);
  assert.equal(retryDelay('120', 2), 120_000);
});

test('Retry-After as an HTTP date', () => {
  const wait = retryDelay(new Date(Date.now() + 30_000).toUTCString(), 0);
  assert.ok(wait > 28_000 && wait <= 30_000, String(wait));
});

test('no Retry-After: exponential backoff', () => {
  assert.deepEqual(
    [0, 1, 2].map((n) => retryDelay(null, n)),
    [RETRY_BASE_DELAY_MS, 2 * RETRY_BASE_DELAY_MS, 4 * RETRY_BASE_DELAY_MS],
  );
});

test('an unreadable Retry-After is not a delay (no retry)', () => {
  assert.ok(Number.isNaN(retryDelay('soon', 0)));
});
