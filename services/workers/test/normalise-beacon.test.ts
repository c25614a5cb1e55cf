import { test } from 'node:test';
import assert from 'node:assert/strict';
import { THRESHOLDS } from '@rum/contract';
import {
  describeDevice,
  errorFingerprint,
  firstStackFrame,
  normaliseBeacon,
  parseUserAgent,
  resolveCountry,
  splitUrl,
} from '../src/normalise-beacon.ts';
import { MalformedJobError, parseCollectJob } from '../src/job-schema.ts';
import {
  accepted,
  beacon,
  CHROME_MAC_UA,
  EDGE_WINDOWS_UA,
  event,
  FIREFOX_WINDOWS_UA,
  SAFARI_IPHONE_UA,
  SAMSUNG_TABLET_UA,
  T0,
} from './support.ts';

const project = { id: 7, project: 'shop' };

test('URL: host becomes the domain, the path keeps no query string or fragment', () => {
  assert.deepEqual(splitUrl('https://Shop.Example.com/products/42?utm_source=x&id=1#reviews'), {
    domain: 'shop.example.com',
    path: '/products/42',
  });
  assert.deepEqual(splitUrl('https://example.com'), { domain: 'example.com', path: '/' });
  assert.deepEqual(splitUrl('http://localhost:5173/demo/'), {
    domain: 'localhost:5173',
    path: '/demo/',
  });
  assert.deepEqual(splitUrl('https://example.com:443/a'), { domain: 'example.com', path: '/a' });
});

test('User-Agent: browser, OS and device type of real strings', () => {
  assert.deepEqual(parseUserAgent(CHROME_MAC_UA), {
    deviceType: 'desktop',
    browser: 'Chrome',
    os: 'macOS',
  });
  assert.deepEqual(parseUserAgent(SAFARI_IPHONE_UA), {
    deviceType: 'mobile',
    browser: 'Safari',
    os: 'iOS',
  });
  assert.deepEqual(parseUserAgent(FIREFOX_WINDOWS_UA), {
    deviceType: 'desktop',
    browser: 'Firefox',
    os: 'Windows',
  });
  assert.deepEqual(parseUserAgent(SAMSUNG_TABLET_UA), {
    deviceType: 'tablet',
    browser: 'Samsung Internet for Android',
    os: 'Android',
  });
  // Stored names are the short ones the SDK uses too.
  assert.deepEqual(describeDevice(EDGE_WINDOWS_UA, undefined), {
    deviceType: 'desktop',
    browser: 'Edge',
    os: 'Windows',
  });
  assert.equal(describeDevice(SAMSUNG_TABLET_UA, undefined).browser, 'Samsung Internet');
  assert.deepEqual(describeDevice(undefined, undefined), {
    deviceType: 'desktop',
    browser: 'unknown',
    os: 'unknown',
  });
});

test('what the SDK sent wins over the User-Agent, field by field', () => {
  assert.deepEqual(describeDevice(CHROME_MAC_UA, { type: 'tablet', os: 'iPadOS' }), {
    deviceType: 'tablet',
    browser: 'Chrome',
    os: 'iPadOS',
  });
  assert.equal(describeDevice(CHROME_MAC_UA, { browser: 'Microsoft Edge' }).browser, 'Edge');
  assert.equal(describeDevice(CHROME_MAC_UA, { browser: '' }).browser, 'Chrome');
});

test('rating: computed from the thresholds when absent, good edge inclusive, poor strictly above', () => {
  const { good, poor } = THRESHOLDS.LCP;
  const cls = THRESHOLDS.CLS;
  const rows = normaliseBeacon(
    accepted(
      project,
      beacon({
        events: [
          event({ value: good }),
          event({ value: good + 0.001 }),
          event({ value: poor }),
          event({ value: poor + 1 }),
          event({ name: 'CLS', value: cls.good }),
          event({ name: 'CLS', value: cls.poor + 0.0001 }),
          // The SDK's own rating is kept as sent.
          event({ value: poor + 1, rating: 'good' }),
        ],
      }),
    ),
  ).metrics.map((m) => m.rating);
  assert.deepEqual(rows, [
    'good',
    'needs-improvement',
    'needs-improvement',
    'poor',
    'good',
    'poor',
    'good',
  ]);
});

test('country: the trusted header first, else the time zone hint, else ZZ', () => {
  assert.equal(resolveCountry('de', 'America/New_York'), 'DE');
  assert.equal(resolveCountry(undefined, 'Europe/Paris'), 'FR');
  assert.equal(resolveCountry(undefined, 'America/New_York'), 'US');
  assert.equal(resolveCountry('', 'Asia/Tokyo'), 'JP');
  // Cloudflare's "unknown" and "Tor" codes are not countries.
  assert.equal(resolveCountry('XX', 'Europe/Berlin'), 'DE');
  assert.equal(resolveCountry('T1', 'Europe/Berlin'), 'DE');
  assert.equal(resolveCountry(undefined, 'Etc/UTC'), 'ZZ');
  assert.equal(resolveCountry(undefined, undefined), 'ZZ');

  const fromHeader = normaliseBeacon(
    accepted(project, beacon({ device: { timezone: 'Europe/Paris' } }), { country: 'GB' }),
  );
  assert.equal(fromHeader.country, 'GB');
  const fromZone = normaliseBeacon(
    accepted(project, beacon({ device: { timezone: 'Europe/Paris' } })),
  );
  assert.equal(fromZone.country, 'FR');
});

test('a beacon becomes rows with every dimension filled', () => {
  const b = beacon({
    sid: 'sess-1',
    url: 'https://shop.example.com/cart?x=1',
    events: [
      event({
        id: 'v5-1',
        name: 'INP',
        value: 350,
        delta: 350,
        navigationType: 'navigate',
        attribution: { target: 'button#buy' },
      }),
    ],
    errors: [
      {
        message: 'boom',
        stack: 'Error: boom\n    at buy (https://shop.example.com/app.js:10:5)',
        ts: T0 + 5,
      },
    ],
    connection: { effectiveType: '4g', rtt: 50 },
  });
  const n = normaliseBeacon(accepted(project, b, { userAgent: SAFARI_IPHONE_UA }));
  assert.equal(n.projectId, 7);
  assert.equal(n.sessionId, 'sess-1');
  assert.equal(n.domain, 'shop.example.com');
  assert.equal(n.path, '/cart');
  assert.equal(n.deviceType, 'mobile');
  assert.equal(n.browser, 'Safari');
  assert.equal(n.os, 'iOS');
  assert.equal(n.connection, '4g');
  assert.deepEqual(n.metrics, [
    {
      time: new Date(T0).toISOString(),
      metricId: 'v5-1',
      name: 'INP',
      value: 350,
      delta: 350,
      rating: 'needs-improvement',
      navigationType: 'navigate',
      attribution: '{"target":"button#buy"}',
    },
  ]);
  assert.equal(n.errors.length, 1);
  assert.equal(n.errors[0]!.line, null);
  assert.equal(n.errors[0]!.fingerprint.length, 16);
  assert.equal(n.errors[0]!.navigationType, 'navigate', "the page view's navigation type");
  const restored = normaliseBeacon(
    accepted(
      project,
      beacon({
        events: [
          event({ id: 'a', navigationType: 'navigate' }),
          event({ id: 'b', navigationType: 'back-forward-cache' }),
        ],
        errors: [{ message: 'after the restore', ts: T0 + 5 }],
      }),
    ),
  );
  assert.equal(restored.errors[0]!.navigationType, 'back-forward-cache', 'the last metric says');
  const errorsOnly = normaliseBeacon(
    accepted(project, beacon({ events: [], errors: [{ message: 'alone', ts: T0 + 5 }] })),
  );
  assert.equal(errorsOnly.errors[0]!.navigationType, null);
  assert.equal(
    normaliseBeacon(accepted(project, beacon({ connection: {} }))).connection,
    'unknown',
  );
});

test('error fingerprint: message plus first frame; the rest of the stack does not matter', () => {
  const chrome =
    'TypeError: x is undefined\n    at render (https://a.com/app.js:10:5)\n    at main (https://a.com/app.js:99:1)';
  const otherCaller =
    'TypeError: x is undefined\n    at render (https://a.com/app.js:10:5)\n    at other (https://a.com/b.js:1:1)';
  const firefox = 'render@https://a.com/app.js:10:5\nmain@https://a.com/app.js:99:1';
  assert.equal(firstStackFrame(chrome), 'at render (https://a.com/app.js:10:5)');
  assert.equal(firstStackFrame(firefox), 'render@https://a.com/app.js:10:5');
  assert.equal(firstStackFrame('no frames here'), undefined);
  assert.equal(errorFingerprint('x', chrome), errorFingerprint('x', otherCaller));
  assert.notEqual(errorFingerprint('x', chrome), errorFingerprint('y', chrome));
  assert.notEqual(errorFingerprint('x', chrome), errorFingerprint('x', firefox));
  // Without a stack, where it was thrown is source:line.
  assert.equal(
    errorFingerprint('x', undefined, 'https://a.com/app.js', 3),
    errorFingerprint('x', '', 'https://a.com/app.js', 3),
  );
  assert.notEqual(
    errorFingerprint('x', undefined, 'https://a.com/app.js', 3),
    errorFingerprint('x', undefined, 'https://a.com/app.js', 4),
  );
});

test('job schema: a valid job passes; a bad shape is a MalformedJobError; a bad beacon is set aside alone', () => {
  const good = accepted(project);
  assert.deepEqual(parseCollectJob({ beacons: [good] }), {
    beacons: [{ index: 0, accepted: good }],
    rejected: [],
  });
  assert.throws(() => parseCollectJob({ beacons: [] }), MalformedJobError);
  assert.throws(() => parseCollectJob({ nope: true }), MalformedJobError);
  assert.throws(() => parseCollectJob(null), MalformedJobError);
  const negative = accepted(project, beacon({ events: [event({ value: -1 })] }));
  const wrongId = { ...accepted(project), projectId: 'seven' };
  const parsed = parseCollectJob({ beacons: [negative, good, wrongId] });
  assert.deepEqual(parsed.beacons, [{ index: 1, accepted: good }]);
  assert.deepEqual(
    parsed.rejected.map((r) => r.index),
    [0, 2],
  );
  assert.match(parsed.rejected[0]!.reason, /beacon 0: .*value/);
  assert.match(parsed.rejected[1]!.reason, /beacon 2: .*projectId/);
  assert.equal(parsed.rejected[1]!.data, wrongId);
});

test('job schema: event times are checked against when ingest received each beacon', () => {
  const receivedAt = T0 + 1000;
  const stale = accepted(project, beacon({ events: [event({ ts: receivedAt - 25 * 3_600_000 })] }));
  const early = accepted(project, beacon({ events: [event({ ts: receivedAt + 10 * 60_000 })] }));
  const parsed = parseCollectJob({ beacons: [stale, early, accepted(project)] });
  assert.deepEqual(
    parsed.beacons.map((b) => b.index),
    [2],
  );
  assert.match(parsed.rejected[0]!.reason, /ts" is more than 24 hours before/);
  assert.match(parsed.rejected[1]!.reason, /ts" is more than 5 minutes ahead/);
});
