import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBeacon } from '../src/beacon-schema.ts';
import {
  MAX_EVENTS_PER_BEACON,
  MAX_ERRORS_PER_BEACON,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_LEAD_MS,
  LIMITS,
  type Beacon,
} from '../src/index.ts';

/** A minute ago: inside the window around the time the beacon is received (now). */
const TS = Date.now() - 60_000;

function beacon(overrides: Partial<Beacon> = {}): Beacon {
  return {
    sid: 's-1',
    url: 'https://shop.example.com/cart',
    events: [
      {
        id: 'v5-1-1',
        name: 'LCP',
        value: 1234.5,
        delta: 1234.5,
        rating: 'good',
        navigationType: 'navigate',
        ts: TS,
      },
    ],
    ...overrides,
  };
}

function errorOf(body: unknown): string {
  const result = validateBeacon(body);
  assert.ok(result.error, `expected a rejection for ${JSON.stringify(body).slice(0, 200)}`);
  return result.error;
}

test('a well-formed beacon with events, errors, device and connection passes unchanged', () => {
  const input = beacon({
    errors: [
      {
        message: 'TypeError: x is undefined',
        stack: 'at f (app.js:1:2)',
        source: 'https://shop.example.com/app.js',
        line: 1,
        col: 2,
        ts: TS,
      },
    ],
    device: { type: 'mobile', browser: 'Chrome', os: 'Android', timezone: 'Europe/Paris' },
    connection: { effectiveType: '4g', rtt: 50, downlink: 10, saveData: false },
  });
  const result = validateBeacon(input);
  assert.equal(result.error, undefined);
  assert.deepEqual(result.value, input);
});

test('every metric name is accepted and an unknown one is refused by name', () => {
  for (const name of ['LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID'] as const) {
    assert.equal(
      validateBeacon(beacon({ events: [{ id: 'a', name, value: 0.05, ts: TS }] })).error,
      undefined,
    );
  }
  assert.match(
    errorOf(beacon({ events: [{ id: 'a', name: 'XYZ' as 'LCP', value: 1, ts: TS }] })),
    /events\[0\]\.name/,
  );
});

test('NaN, Infinity, negative and huge values are refused, naming the field', () => {
  // JSON cannot carry NaN or Infinity; a parsed body can, when built by code.
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -1, 1e12]) {
    assert.match(errorOf(beacon({ events: [{ id: 'a', name: 'LCP', value, ts: TS }] })), /value/);
  }
  // Per-metric bound: a CLS of 500 is impossible even though 500 ms is a fine LCP.
  assert.match(errorOf(beacon({ events: [{ id: 'a', name: 'CLS', value: 500, ts: TS }] })), /CLS/);
  assert.equal(
    validateBeacon(beacon({ events: [{ id: 'a', name: 'LCP', value: 500, ts: TS }] })).error,
    undefined,
  );
});

test('wrong types are refused, with no coercion of strings to numbers', () => {
  assert.match(
    errorOf(
      beacon({ events: [{ id: 'a', name: 'LCP', value: '12' as unknown as number, ts: TS }] }),
    ),
    /value/,
  );
  assert.match(errorOf({ ...beacon(), events: 'nope' }), /events/);
  assert.match(errorOf({ ...beacon(), sid: 42 }), /sid/);
  assert.match(errorOf(null), /must be of type object/);
  assert.match(errorOf([]), /must be of type object/);
});

test('timestamps outside the window around the receive time, and non-integers, are refused', () => {
  const receivedAt = Date.UTC(2026, 5, 1, 12);
  const at = (ts: number) => beacon({ events: [{ id: 'a', name: 'LCP', value: 1, ts }] });
  const check = (ts: number) => validateBeacon(at(ts), receivedAt).error;
  // The edges are inside.
  assert.equal(check(receivedAt - MAX_EVENT_AGE_MS), undefined);
  assert.equal(check(receivedAt + MAX_EVENT_LEAD_MS), undefined);
  assert.match(
    check(receivedAt - MAX_EVENT_AGE_MS - 1)!,
    /"events\[0\]\.ts" is more than 24 hours before/,
  );
  assert.match(
    check(receivedAt + MAX_EVENT_LEAD_MS + 1)!,
    /"events\[0\]\.ts" is more than 5 minutes ahead/,
  );
  assert.match(check(receivedAt - 365 * 86_400_000)!, /ts/);
  assert.match(check(receivedAt + 365 * 86_400_000)!, /ts/);
  assert.match(check(0)!, /ts/);
  assert.match(errorOf(at(TS + 0.5)), /ts/);
  // Errors carry a time too: the same window.
  assert.match(
    validateBeacon(
      beacon({ events: [], errors: [{ message: 'm', ts: receivedAt + 3_600_000 }] }),
      receivedAt,
    ).error!,
    /"errors\[0\]\.ts" is more than 5 minutes ahead/,
  );
});

test('a string the database cannot store exactly is refused at any depth, naming the field', () => {
  const bad = ['a\u0000b', 'a\ud800b', 'x\udfff', '\ud83d'];
  for (const text of bad) {
    assert.match(errorOf(beacon({ sid: text })), /"sid" contains U\+0000 or an unpaired/);
    assert.match(errorOf(beacon({ url: `https://a.example/${text}` })), /url/);
    assert.match(
      errorOf(beacon({ events: [{ id: text, name: 'LCP', value: 1, ts: TS }] })),
      /events\[0\]\.id/,
    );
    assert.match(
      errorOf(
        beacon({
          events: [{ id: 'a', name: 'LCP', value: 1, ts: TS, attribution: { element: text } }],
        }),
      ),
      /attribution\.element/,
    );
    assert.match(
      errorOf(
        beacon({
          events: [{ id: 'a', name: 'LCP', value: 1, ts: TS, attribution: { [text]: 'x' } }],
        }),
      ),
      /attribution/,
    );
    assert.match(errorOf(beacon({ errors: [{ message: text, ts: TS }] })), /errors\[0\]\.message/);
    assert.match(
      errorOf(beacon({ errors: [{ message: 'm', stack: text, ts: TS }] })),
      /errors\[0\]\.stack/,
    );
    assert.match(errorOf(beacon({ device: { os: text } })), /device\.os/);
    assert.match(
      errorOf(beacon({ connection: { effectiveType: text } })),
      /connection\.effectiveType/,
    );
  }
  // A surrogate pair is one character (an emoji), and fine.
  assert.equal(
    validateBeacon(beacon({ sid: 'emoji-😀', errors: [{ message: '💥 é ß', ts: TS }] })).error,
    undefined,
  );
});

test('at most MAX_EVENTS_PER_BEACON events and MAX_ERRORS_PER_BEACON errors', () => {
  const events = Array.from({ length: MAX_EVENTS_PER_BEACON }, (_, i) => ({
    id: `e${i}`,
    name: 'FCP' as const,
    value: i,
    ts: TS,
  }));
  assert.equal(validateBeacon(beacon({ events })).error, undefined);
  assert.match(
    errorOf(beacon({ events: [...events, events[0]!] })),
    /events.*less than or equal to 100/,
  );
  const errors = Array.from({ length: MAX_ERRORS_PER_BEACON + 1 }, () => ({
    message: 'boom',
    ts: TS,
  }));
  assert.match(errorOf(beacon({ errors })), /errors/);
});

test('oversized strings are refused, not truncated', () => {
  assert.match(errorOf(beacon({ sid: 'x'.repeat(LIMITS.sessionId + 1) })), /sid/);
  assert.match(errorOf(beacon({ url: `https://a.example/${'p'.repeat(LIMITS.url)}` })), /url/);
  assert.match(
    errorOf(beacon({ errors: [{ message: 'm'.repeat(LIMITS.message + 1), ts: TS }] })),
    /message/,
  );
  assert.match(
    errorOf(beacon({ errors: [{ message: 'm', stack: 's'.repeat(LIMITS.stack + 1), ts: TS }] })),
    /stack/,
  );
  assert.match(
    errorOf(
      beacon({
        events: [
          {
            id: 'a',
            name: 'LCP',
            value: 1,
            ts: TS,
            attribution: { element: 'e'.repeat(LIMITS.attributionValue + 1) },
          },
        ],
      }),
    ),
    /element/,
  );
});

test('unknown fields are refused so a typo does not silently lose data', () => {
  assert.match(errorOf({ ...beacon(), extra: 1 }), /"extra" is not allowed/);
  assert.match(
    errorOf(beacon({ events: [{ id: 'a', name: 'LCP', value: 1, ts: TS, foo: 1 } as never] })),
    /foo/,
  );
});

test('the url must be http(s) and parse as the browser and the workers parse it', () => {
  assert.match(errorOf(beacon({ url: 'javascript:alert(1)' })), /url/);
  assert.match(errorOf(beacon({ url: 'not a url' })), /url/);
  for (const url of [
    'https://example.com:99999/a',
    'http://1.2.3.256/x',
    'https://exam%2Fple.com/',
    'http://1.2.3.4.5/',
    'http://4294967296/',
  ]) {
    assert.match(errorOf(beacon({ url })), /"url" must be a valid uri/, url);
  }
});
