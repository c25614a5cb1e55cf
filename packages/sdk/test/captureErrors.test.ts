/**
 * Error dedupe and cap, driven through real DOM-shaped events on an EventTarget standing
 * in for `window` (the browser suite covers the real window).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BeaconError } from '@rum/contract';
import { captureErrors } from '../src/lib/captureErrors.ts';
import { MAX_ERRORS_PER_PAGE } from '../src/lib/defaults.ts';

const target = new EventTarget();
Object.assign(globalThis, {
  addEventListener: target.addEventListener.bind(target),
});
const fire = (message: string, line: number) =>
  target.dispatchEvent(
    Object.assign(new Event('error'), {
      message,
      filename: 'https://x/app.js',
      lineno: line,
      colno: 3,
      error: new Error(message),
    }),
  );

test('reports each distinct error once and at most MAX_ERRORS_PER_PAGE per page view', () => {
  const reported: BeaconError[] = [];
  const seen = new Set<string>();
  captureErrors((e) => reported.push(e), seen);
  fire('boom', 1);
  fire('boom', 1);
  fire('boom', 2); // another line: another error
  assert.deepEqual(
    reported.map((e) => [e.message, e.line]),
    [
      ['boom', 1],
      ['boom', 2],
    ],
  );
  assert.match(reported[0]!.stack!, /boom/);
  for (let i = 0; i < 50; i++) fire(`loop ${i}`, 9);
  assert.equal(reported.length, MAX_ERRORS_PER_PAGE);
  seen.clear(); // a new page view
  fire('boom', 1);
  assert.equal(reported.length, MAX_ERRORS_PER_PAGE + 1);
  target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'plain string' }));
  assert.equal(
    reported.at(-1)!.message,
    'plain string',
    'a non-Error rejection reason becomes the message',
  );
});
