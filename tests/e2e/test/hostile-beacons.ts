/**
 * Generators of hostile POSTs to `/v1/collect` for hostile-input.test.ts: valid beacons (with
 * every kind of storable Unicode), beacons at and one past every cap of the contract, wrong
 * types, unstorable text, deep nesting, prototype keys, broken JSON, odd content types and
 * encodings, missing keys, times outside the window and URLs on the edge of what parses.
 *
 * A case is plain data: its body text (with {@link SID_TOKEN} where a unique part of the
 * session id goes, so every beacon has a session of its own) and how it is put on the wire.
 * What the server should do with it is `expect`: `any` where the contract does not say.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  DEVICE_TYPES,
  LIMITS,
  MAX_BODY_BYTES,
  MAX_ERRORS_PER_BEACON,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_LEAD_MS,
  MAX_EVENTS_PER_BEACON,
  MAX_METRIC_VALUE,
  METRIC_NAMES,
  NAVIGATION_TYPES,
  RATINGS,
  THRESHOLDS,
  isStorableText,
  type MetricName,
} from '@rum/contract';

export type Expect = 'accept' | 'reject' | 'any';
export type KeyPlacement = 'query' | 'header' | 'none' | 'unknown';
export type Encoding =
  | 'identity'
  | 'identity-header'
  | 'gzip'
  | 'x-gzip'
  | 'GZIP'
  | 'gzip-corrupt'
  | 'gzip-bomb'
  | 'br'
  | 'deflate';

export interface HostileCase {
  /** Category, for the report: `family/detail`. */
  kind: string;
  expect: Expect;
  key: KeyPlacement;
  /** Null: no Content-Type header. */
  contentType: string | null;
  encoding: Encoding;
  /** The body before encoding, with {@link SID_TOKEN} and {@link BAD_BYTES_TOKEN} to replace. */
  text: string;
  /** Trailing spaces (valid JSON whitespace) bring the decoded body to exactly this many bytes. */
  padTo?: number;
}

/** Replaced by {@link sidToken} of the case's index: same length, so sizes stay exact. */
export const SID_TOKEN = '@SID@@';
/** Replaced by bytes that are not UTF-8 (a lone 0xFF, a CESU-8 surrogate). */
export const BAD_BYTES_TOKEN = '@BAD@';
const BAD_BYTES = Buffer.from([0xff, 0x41, 0xed, 0xa0, 0x80, 0xc3]);

/** The unique part of case `index`'s session id: `~` and five base-36 digits. */
export function sidToken(index: number): string {
  return `~${index.toString(36).padStart(5, '0')}`;
}

const MINUTE = 60_000;
/** Sends must end this long after the generation time T, or the window cases are not sure. */
export const MAX_RUN_MS = 10 * MINUTE;

/** Every string shape the contract must store as sent: RTL, combining marks, astral, controls. */
const SPECIALS = [
  '\u200f', // right-to-left mark
  '\u202e', // right-to-left override
  'שלום',
  'مرحبا',
  'e\u0301', // e + combining acute
  '\u0301\u0308', // combining marks on nothing
  '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}', // ZWJ family
  '\u{1d518}', // astral letter
  '\u{10ffff}',
  '\ufeff',
  '\u2028',
  '\u2029',
  '\uffff',
  '\ufffd',
  '"',
  '\\',
  '</script>',
  '\u0001',
  '\u001f',
  '\t',
  '\n',
  '\u0085',
  '中文',
  '%00',
  "'; DROP TABLE metrics; --",
];

const storableUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter(isStorableText),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);

/** Joins units while the result stays within `max` UTF-16 code units (no pair is split). */
function fit(parts: readonly string[], max: number, min: number): string {
  let out = '';
  for (const part of parts) {
    if (out.length + part.length > max) continue;
    out += part;
  }
  while (out.length < min) out += 'x';
  return out;
}

/** Storable text of `min`..`max` code units (the contract's caps count code units). */
function text(max: number, min = 0, maxUnits = 12): fc.Arbitrary<string> {
  return fc
    .array(storableUnit, { minLength: min, maxLength: Math.min(maxUnits, max) })
    .map((parts) => fit(parts, max, min));
}

/** Storable text of exactly `length` code units, from `seed` repeated (never splits a pair). */
function exactly(seed: string, length: number): string {
  const parts = [...(seed || 'x')];
  let out = '';
  for (let i = 0; out.length < length; i++) {
    const part = parts[i % parts.length]!;
    out += out.length + part.length <= length ? part : 'x';
  }
  return out;
}

// --- valid beacons --------------------------------------------------------------------------

interface GenEvent {
  id: string;
  name: MetricName;
  value: number;
  delta?: number;
  rating?: string;
  navigationType?: string;
  ts: number;
  attribution?: Record<string, string | number>;
}

interface GenError {
  message: string;
  stack?: string;
  source?: string;
  line?: number;
  col?: number;
  ts: number;
}

/** A beacon as JSON data; mutations may put anything anywhere. */
type Json = Record<string, unknown>;

interface GenBeacon {
  sid: string;
  url: string;
  events: GenEvent[];
  errors?: GenError[];
  device?: Json;
  connection?: Json;
}

function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

function valueFor(name: MetricName): fc.Arbitrary<number> {
  const max = MAX_METRIC_VALUE[name];
  const { good, poor } = THRESHOLDS[name];
  return fc.oneof(
    { weight: 4, arbitrary: fc.double({ min: 0, max: poor * 2, noNaN: true }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: Math.floor(max) }) },
    { weight: 1, arbitrary: fc.double({ min: 0, max, noNaN: true }) },
    // CrUX edges: good <= good edge < needs-improvement <= poor edge < poor.
    { weight: 3, arbitrary: fc.constantFrom(0, good, nextUp(good), poor, nextUp(poor), max) },
    { weight: 1, arbitrary: fc.constantFrom(Number.MIN_VALUE, 1e-300, 0.1 + 0.2) },
  );
}

/** Epoch ms surely inside the window of a beacon received between T and T + MAX_RUN_MS. */
function validTs(T: number): fc.Arbitrary<number> {
  const earliest = T - MAX_EVENT_AGE_MS + MAX_RUN_MS;
  const latest = T + MAX_EVENT_LEAD_MS;
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: T - 30 * MINUTE, max: T + MINUTE }) },
    { weight: 2, arbitrary: fc.integer({ min: earliest, max: latest }) },
    { weight: 1, arbitrary: fc.constantFrom(earliest, latest) },
  );
}

const attributionKey = text(LIMITS.short, 1).filter((k) => k !== '__proto__');
const attributionValue = fc.oneof(
  text(LIMITS.attributionValue, 0, 24),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, noNaN: true }),
  fc.constantFrom('', 0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 5e-324),
);
const attribution = fc
  .uniqueArray(fc.tuple(attributionKey, attributionValue), {
    maxLength: LIMITS.attributionKeys,
    selector: ([k]) => k,
    size: 'small',
  })
  .map((entries) => Object.fromEntries(entries) as Record<string, string | number>);

function eventArb(T: number): fc.Arbitrary<Omit<GenEvent, 'id'>> {
  return fc.constantFrom(...METRIC_NAMES).chain((name) =>
    fc.record(
      {
        name: fc.constant(name),
        value: valueFor(name),
        delta: fc.double({
          min: -MAX_METRIC_VALUE[name],
          max: MAX_METRIC_VALUE[name],
          noNaN: true,
        }),
        rating: fc.constantFrom(...RATINGS),
        navigationType: fc.constantFrom(...NAVIGATION_TYPES),
        ts: validTs(T),
        attribution,
      },
      { requiredKeys: ['name', 'value', 'ts'] },
    ),
  );
}

function errorArb(T: number): fc.Arbitrary<GenError> {
  return fc.record(
    {
      message: text(LIMITS.message, 1, 20),
      stack: fc.oneof(
        text(LIMITS.stack, 0, 20),
        fc.constantFrom(
          'TypeError: x\n    at f (https://a.example/app.js:1:2)\n    at g (https://a.example/app.js:3:4)',
          'f@https://a.example/app.js:10:20\ng@https://a.example/app.js:30:40',
        ),
      ),
      source: fc.oneof(fc.constant('https://a.example/app.js'), text(LIMITS.url, 0, 10)),
      line: fc.integer({ min: 0, max: 10_000_000 }),
      col: fc.integer({ min: 0, max: 10_000_000 }),
      ts: validTs(T),
    },
    { requiredKeys: ['message', 'ts'] },
  );
}

const HOSTS = [
  'example.com',
  'shop.example.co.uk',
  'localhost:3000',
  'localhost:5173',
  '127.0.0.1:8080',
  '[::1]:4000',
  'xn--bcher-kva.example',
  'EXAMPLE.com',
  'a-b.example:443',
  'example.com:80',
];
const pathChar = fc.constantFrom(
  ..."abcxyzABC0189-._~!$&'()*+,;=:@".split(''),
  '%E2%82%AC',
  '%00',
  '%2F',
  '%zz',
  '/',
  '//',
  '/./',
  '/../',
);
const queryChar = fc.constantFrom(...'abc=&?/:@-._~%20'.split(''), '%00', 'utm_source=x&');
const urlArb = fc
  .record({
    scheme: fc.constantFrom('https', 'http'),
    host: fc.constantFrom(...HOSTS),
    path: fc.array(pathChar, { maxLength: 16 }).map((p) => p.join('')),
    slash: fc.boolean(),
    query: fc.option(fc.array(queryChar, { maxLength: 10 }).map((q) => `?${q.join('')}`)),
    fragment: fc.option(fc.array(queryChar, { maxLength: 10 }).map((q) => `#${q.join('')}`)),
  })
  .map(
    ({ scheme, host, path, slash, query, fragment }) =>
      `${scheme}://${host}${slash || path ? '/' : ''}${path}${query ?? ''}${fragment ?? ''}`,
  );

const shortText = text(LIMITS.short, 1);
const device = fc.record(
  {
    type: fc.constantFrom(...DEVICE_TYPES),
    browser: fc.oneof(fc.constantFrom('Chrome', 'Google Chrome', 'Safari', 'Edge'), shortText),
    browserVersion: shortText,
    os: fc.oneof(fc.constantFrom('Android', 'iOS', 'Windows'), shortText),
    timezone: fc.oneof(fc.constantFrom('Europe/Paris', 'Asia/Tokyo', 'Etc/GMT+12'), shortText),
    screen: shortText,
  },
  { requiredKeys: [] },
);
const connection = fc.record(
  {
    effectiveType: fc.oneof(fc.constantFrom('4g', '3g', '2g', 'slow-2g'), shortText),
    rtt: fc.oneof(
      fc.integer({ min: 0, max: 600_000 }),
      fc.double({ min: 0, max: 600_000, noNaN: true }),
    ),
    downlink: fc.double({ min: 0, max: 100_000, noNaN: true }),
    saveData: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** Events get ids `<prefix><n>`, unique in the beacon; errors get distinct times. */
function beaconArb(T: number): fc.Arbitrary<GenBeacon> {
  return fc
    .record(
      {
        sidPrefix: text(LIMITS.sessionId - SID_TOKEN.length, 0, 8),
        url: urlArb,
        idPrefix: fc.oneof(fc.constant('v5-'), text(100, 0, 8)),
        events: fc.array(eventArb(T), { maxLength: 4, size: 'xsmall' }),
        errors: fc.uniqueArray(errorArb(T), {
          maxLength: 3,
          selector: (e) => e.ts,
          size: 'xsmall',
        }),
        device,
        connection,
      },
      { requiredKeys: ['sidPrefix', 'url', 'idPrefix', 'events'] },
    )
    .map(({ sidPrefix, idPrefix, events, ...rest }) => ({
      ...rest,
      sid: sidPrefix + SID_TOKEN,
      events: events.map((e, n) => ({ id: `${idPrefix}${n}`, ...e })),
    }));
}

/** A beacon, an event and an error (to add where a mutation needs one). */
function material(T: number) {
  return fc.record({
    beacon: beaconArb(T),
    event: eventArb(T),
    error: errorArb(T),
  });
}
type Material = { beacon: GenBeacon; event: Omit<GenEvent, 'id'>; error: GenError };

function clone<X>(x: X): X {
  return structuredClone(x);
}

/** The beacon's first event (one is added when it has none). */
function firstEvent(m: Material): GenEvent {
  if (m.beacon.events.length === 0) m.beacon.events.push({ id: 'added-0', ...m.event });
  return m.beacon.events[0]!;
}

function firstError(m: Material): GenError {
  m.beacon.errors ??= [];
  if (m.beacon.errors.length === 0) m.beacon.errors.push(m.error);
  return m.beacon.errors[0]!;
}

function plainCase(kind: string, expect: Expect, body: unknown): HostileCase {
  return {
    kind,
    expect,
    key: 'query',
    contentType: 'application/json',
    encoding: 'identity',
    text: JSON.stringify(body),
  };
}

// --- valid ---------------------------------------------------------------------------------

const VALID_CONTENT_TYPES = [
  'application/json',
  'text/plain;charset=UTF-8',
  'application/json; charset=utf-8',
] as const;

function validCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(
      beaconArb(T),
      fc.constantFrom(...VALID_CONTENT_TYPES),
      fc.constantFrom<Encoding>(
        'identity',
        'identity',
        'identity',
        'identity',
        'identity',
        'gzip',
        'gzip',
        'x-gzip',
        'GZIP',
        'identity-header',
      ),
      fc.constantFrom<KeyPlacement>('query', 'query', 'query', 'query', 'header'),
    )
    .map(([beacon, contentType, encoding, key]) => ({
      kind: `valid/${encoding === 'identity' ? 'plain' : encoding}`,
      expect: 'accept' as const,
      key,
      contentType,
      encoding,
      text: JSON.stringify(beacon),
    }));
}

// --- at and one past every cap ----------------------------------------------------------------

type Edit = (m: Material, over: boolean) => unknown;

/** Each edit sets one field at its cap (accepted) or one past it (refused). */
const CAP_EDITS: Record<string, Edit> = {
  sid: (m, over) => {
    const prefix = m.beacon.sid.replace(SID_TOKEN, '');
    m.beacon.sid =
      exactly(prefix, LIMITS.sessionId - SID_TOKEN.length + (over ? 1 : 0)) + SID_TOKEN;
    return m.beacon;
  },
  eventId: (m, over) => {
    firstEvent(m).id = exactly(`${m.beacon.url}\u{1f600}`, LIMITS.eventId + (over ? 1 : 0));
    return m.beacon;
  },
  url: (m, over) => {
    const prefix = 'https://cap.example.com/';
    m.beacon.url = prefix + 'p'.repeat(LIMITS.url - prefix.length + (over ? 1 : 0));
    return m.beacon;
  },
  message: (m, over) => {
    firstError(m).message = exactly(m.error.message, LIMITS.message + (over ? 1 : 0));
    return m.beacon;
  },
  stack: (m, over) => {
    firstError(m).stack = exactly(
      `at f (x.js:1:1)\n${m.error.message}`,
      LIMITS.stack + (over ? 1 : 0),
    );
    return m.beacon;
  },
  source: (m, over) => {
    firstError(m).source = exactly('https://a.example/\u05e9', LIMITS.url + (over ? 1 : 0));
    return m.beacon;
  },
  attributionKeys: (m, over) => {
    const n = LIMITS.attributionKeys + (over ? 1 : 0);
    firstEvent(m).attribution = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`k${i}`, i % 2 ? `v${i}` : i]),
    );
    return m.beacon;
  },
  attributionKey: (m, over) => {
    firstEvent(m).attribution = { [exactly('\u202ekey', LIMITS.short + (over ? 1 : 0))]: 'v' };
    return m.beacon;
  },
  attributionValue: (m, over) => {
    firstEvent(m).attribution = {
      element: exactly('div#\u{1d518}>img', LIMITS.attributionValue + (over ? 1 : 0)),
    };
    return m.beacon;
  },
  short: (m, over) => {
    m.beacon.device = {
      ...m.beacon.device,
      browser: exactly('Chr\u0301me', LIMITS.short + (over ? 1 : 0)),
    };
    return m.beacon;
  },
  events: (m, over) => {
    const n = MAX_EVENTS_PER_BEACON + (over ? 1 : 0);
    // Without attribution: a hundred of them would pass the body limit (its own case).
    const { attribution: _, ...event } = m.event;
    m.beacon.events = Array.from({ length: n }, (_, i) => ({ id: `cap-${i}`, ...event }));
    return m.beacon;
  },
  errors: (m, over) => {
    const n = MAX_ERRORS_PER_BEACON + (over ? 1 : 0);
    m.beacon.errors = Array.from({ length: n }, (_, i) => ({ ...m.error, ts: m.error.ts - i }));
    return m.beacon;
  },
  value: (m, over) => {
    const event = firstEvent(m);
    const max = MAX_METRIC_VALUE[event.name];
    event.value = over ? nextUp(max) : max;
    return m.beacon;
  },
  valueZero: (m, over) => {
    firstEvent(m).value = over ? -Number.MIN_VALUE : 0;
    return m.beacon;
  },
  delta: (m, over) => {
    const largest = Math.max(...Object.values(MAX_METRIC_VALUE));
    firstEvent(m).delta = over ? -nextUp(largest) : -largest;
    return m.beacon;
  },
  line: (m, over) => {
    firstError(m).line = 10_000_000 + (over ? 1 : 0);
    firstError(m).col = 10_000_000;
    return m.beacon;
  },
  rtt: (m, over) => {
    m.beacon.connection = { rtt: 600_000 + (over ? 1 : 0), downlink: over ? 0 : 100_000 };
    return m.beacon;
  },
};

function capCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(material(T), fc.constantFrom(...Object.keys(CAP_EDITS)), fc.boolean())
    .map(([m, field, over]) =>
      plainCase(
        `cap/${field}${over ? '+1' : ''}`,
        over ? 'reject' : 'accept',
        CAP_EDITS[field]!(m, over),
      ),
    );
}

/** Bodies of exactly the ingest limit, or one byte over, before and after gzip. */
function bodySizeCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(beaconArb(T), fc.boolean(), fc.constantFrom<Encoding>('identity', 'gzip'))
    .map(([beacon, over, encoding]) => ({
      ...plainCase(
        `size/body-${MAX_BODY_BYTES}${over ? '+1' : ''}-${encoding}`,
        over ? 'reject' : 'accept',
        beacon,
      ),
      encoding,
      padTo: MAX_BODY_BYTES + (over ? 1 : 0),
    }));
}

// --- times ---------------------------------------------------------------------------------

function timeCases(T: number): fc.Arbitrary<HostileCase> {
  const inside: [string, number][] = [
    ['lead-edge', T + MAX_EVENT_LEAD_MS],
    ['age-edge', T - MAX_EVENT_AGE_MS + MAX_RUN_MS],
  ];
  const outside: [string, unknown][] = [
    ['age+1ms', T - MAX_EVENT_AGE_MS - 1],
    ['25h-ago', T - 25 * 60 * MINUTE],
    ['lead+', T + MAX_EVENT_LEAD_MS + MAX_RUN_MS],
    ['tomorrow', T + 24 * 60 * MINUTE],
    ['zero', 0],
    ['negative', -T],
    ['seconds', Math.floor(T / 1000)],
    ['microseconds', T * 1000],
    ['max-date', 8.64e15],
    ['max-safe', Number.MAX_SAFE_INTEGER],
    ['float', T + 0.5],
    ['string', String(T)],
    ['iso', new Date(T).toISOString()],
    ['null', null],
  ];
  return fc
    .tuple(
      material(T),
      fc.oneof(
        fc.constantFrom(...inside).map(([name, ts]) => ({ name, ts, expect: 'accept' as Expect })),
        fc.constantFrom(...outside).map(([name, ts]) => ({ name, ts, expect: 'reject' as Expect })),
      ),
      fc.boolean(),
    )
    .map(([m, { name, ts, expect }, onError]) => {
      if (onError) (firstError(m) as { ts: unknown }).ts = ts;
      else (firstEvent(m) as { ts: unknown }).ts = ts;
      return plainCase(`time/${onError ? 'error' : 'event'}-${name}`, expect, m.beacon);
    });
}

// --- wrong types and values ------------------------------------------------------------------

type Setter = (m: Material, value: unknown) => void;
const at = {
  top:
    (key: string): Setter =>
    (m, v) =>
      void ((m.beacon as unknown as Json)[key] = v),
  event:
    (key: string): Setter =>
    (m, v) =>
      void ((firstEvent(m) as unknown as Json)[key] = v),
  error:
    (key: string): Setter =>
    (m, v) =>
      void ((firstError(m) as unknown as Json)[key] = v),
  device:
    (key: string): Setter =>
    (m, v) =>
      void (m.beacon.device = { ...m.beacon.device, [key]: v }),
  connection:
    (key: string): Setter =>
    (m, v) =>
      void (m.beacon.connection = { ...m.beacon.connection, [key]: v }),
  attribution: (m: Material, v: unknown) =>
    void ((firstEvent(m) as unknown as Json).attribution = { target: v }),
};

/** Values each field must refuse. */
const WRONG: [string, Setter, unknown[]][] = [
  ['sid', at.top('sid'), [null, true, 123, [], {}, '']],
  [
    'url',
    at.top('url'),
    [
      null,
      123,
      '',
      '/relative',
      'javascript:alert(1)',
      'ftp://example.com/',
      'https://',
      'https://exa mple.com/',
      'https://example.com/a b',
    ],
  ],
  ['events', at.top('events'), [null, {}, 'x', 1, [[]], [null], [1], { 0: {} }]],
  ['errors', at.top('errors'), [null, {}, 'x', [null], [[]]]],
  ['device', at.top('device'), [null, [], 'mobile']],
  ['connection', at.top('connection'), [null, [], '4g']],
  ['id', at.event('id'), ['', 1, null, []]],
  ['name', at.event('name'), ['lcp', 'LCP ', 'TBT', '', null, 1, ['LCP']]],
  [
    'value',
    at.event('value'),
    ['123', 'NaN', 'Infinity', null, true, -1, -1e-300, -Number.MAX_VALUE, 1e308, [], {}],
  ],
  ['delta', at.event('delta'), ['1', null, 1e300, -1e300]],
  ['rating', at.event('rating'), ['Good', 'ok', '', null, 1]],
  ['navigationType', at.event('navigationType'), ['NAVIGATE', 'back_forward', '', null]],
  ['attribution', at.event('attribution'), [[], 'x', 1, null, true]],
  [
    'attribution-value',
    at.attribution,
    [{}, [], null, true, { a: { b: 1 } }, 'x'.repeat(513), 2 ** 53, -(2 ** 60), 1e300],
  ],
  ['message', at.error('message'), ['', 1, null, {}]],
  ['stack', at.error('stack'), [1, null, []]],
  ['line', at.error('line'), [1.5, -1, '3', null, 1e21]],
  ['col', at.error('col'), [0.1, -1, '3', null]],
  ['device.type', at.device('type'), ['phone', 'Mobile', '', 1]],
  ['device.browser', at.device('browser'), ['', 1, null]],
  ['connection.rtt', at.connection('rtt'), [-1, '1', 600_001, null]],
  ['connection.downlink', at.connection('downlink'), [-0.5, 100_001, '10']],
  ['connection.saveData', at.connection('saveData'), ['true', 1, null]],
];

function typeCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(material(T), fc.constantFrom(...WRONG.map((_, i) => i)), fc.nat())
    .map(([m, which, pick]) => {
      const [field, set, values] = WRONG[which]!;
      const value = values[pick % values.length];
      set(m, clone(value));
      return plainCase(`type/${field}=${JSON.stringify(value)?.slice(0, 20)}`, 'reject', m.beacon);
    });
}

/** Keys the contract does not know, at every level. */
function unknownKeyCases(T: number): fc.Arbitrary<HostileCase> {
  const keys = [
    'foo',
    'Sid',
    'sid ',
    'events2',
    '',
    '\u202esid',
    'hasOwnProperty',
    'constructor',
    'prototype',
  ];
  return fc
    .tuple(
      material(T),
      fc.constantFrom('top', 'event', 'error', 'device', 'connection'),
      fc.constantFrom(...keys),
    )
    .map(([m, where, key]) => {
      const set = where === 'top' ? at.top(key) : at[where](key);
      set(m, 'x');
      return plainCase(`unknown-key/${where}`, 'reject', m.beacon);
    });
}

// --- unstorable text and bytes that are not UTF-8 ------------------------------------------------

const UNSTORABLE = ['\u0000', '\ud800', '\udfff', '\udc00\ud800', 'a\ud83d', '\ude00b'];

function unstorableCases(T: number): fc.Arbitrary<HostileCase> {
  const fields: [string, (m: Material, bad: string) => void][] = [
    ['sid', (m, bad) => void (m.beacon.sid = bad + m.beacon.sid)],
    ['url', (m, bad) => void (m.beacon.url += bad)],
    ['id', (m, bad) => void (firstEvent(m).id += bad)],
    ['attribution-key', (m, bad) => void (firstEvent(m).attribution = { [`k${bad}`]: 'v' })],
    ['attribution-value', (m, bad) => void (firstEvent(m).attribution = { k: `v${bad}` })],
    ['message', (m, bad) => void (firstError(m).message += bad)],
    ['stack', (m, bad) => void (firstError(m).stack = `at f ${bad}`)],
    ['source', (m, bad) => void (firstError(m).source = bad)],
    ['device.os', (m, bad) => void (m.beacon.device = { os: `iOS${bad}` })],
    ['connection.effectiveType', (m, bad) => void (m.beacon.connection = { effectiveType: bad })],
  ];
  return fc
    .tuple(material(T), fc.constantFrom(...fields), fc.constantFrom(...UNSTORABLE), fc.boolean())
    .map(([m, [field, set], bad, rawBytes]) => {
      if (!rawBytes) {
        // JSON.stringify writes \u0000 and lone surrogates as escapes: valid JSON, unstorable text.
        set(m, bad);
        return plainCase(`unstorable/${field}`, 'reject', m.beacon);
      }
      // Bytes that are not UTF-8 at all: refused (decoding would store U+FFFD, not what was sent).
      set(m, BAD_BYTES_TOKEN);
      return plainCase(`not-utf8/${field}`, 'reject', m.beacon);
    });
}

// --- nesting and shapes ------------------------------------------------------------------------

function nest(depth: number, leaf: string, open: string, close: string): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

function nestingCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(
      material(T),
      fc.constantFrom('attribution', 'unknown-key', 'events', 'body-array', 'body-object', 'error'),
      fc.integer({ min: 2, max: 30_000 }),
      fc.boolean(),
    )
    .map(([m, where, depthWanted, arrays]) => {
      const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
      // Stay inside the body limit, so the parser (not the size check) meets the depth.
      const depth = Math.min(depthWanted, Math.floor((MAX_BODY_BYTES - 2000) / (open.length + 1)));
      const deep = nest(depth, '1', open, close);
      const beaconText = JSON.stringify(m.beacon);
      let text: string;
      switch (where) {
        case 'attribution':
          firstEvent(m).attribution = { k: 'PLACEHOLDER' };
          text = JSON.stringify(m.beacon).replace('"PLACEHOLDER"', deep);
          break;
        case 'unknown-key':
          text = `${beaconText.slice(0, -1)},"deep":${deep}}`;
          break;
        case 'events':
          m.beacon.events = [];
          text = JSON.stringify(m.beacon).replace('"events":[]', `"events":[${deep}]`);
          break;
        case 'error':
          m.beacon.errors = [];
          text = JSON.stringify(m.beacon).replace('"errors":[]', `"errors":${deep}`);
          break;
        case 'body-array':
          text = nest(depth, beaconText, '[', ']');
          break;
        default:
          text = nest(depth, beaconText, '{"beacon":', '}');
      }
      return {
        ...plainCase(`nesting/${where}-${arrays ? 'arrays' : 'objects'}`, 'reject', null),
        text,
      };
    });
}

// --- prototype keys, in the JSON text ------------------------------------------------------------

function protoCases(T: number): fc.Arbitrary<HostileCase> {
  const polluted = '{"polluted":"yes","type":"mobile","value":1}';
  const keys: [string, string, Expect][] = [
    ['__proto__', polluted, 'reject'],
    ['\\u005f_proto__', polluted, 'reject'],
    ['__proto__', '"x"', 'reject'],
    ['constructor', `{"prototype":${polluted}}`, 'reject'],
  ];
  // As attribution keys with string values they are ordinary names: stored as sent if accepted.
  const harmless: [string, string][] = [
    ['constructor', '"c"'],
    ['prototype', '"p"'],
    ['toString', '1'],
    ['hasOwnProperty', '"h"'],
  ];
  return fc
    .tuple(
      material(T),
      fc.constantFrom('top', 'event', 'attribution', 'device', 'error'),
      fc.oneof(
        fc.constantFrom(...keys),
        fc.constantFrom(...harmless).map(([k, v]): [string, string, Expect] => [k, v, 'any']),
      ),
    )
    .map(([m, where, [key, value, expect]]) => {
      const member = `"${key}":${value}`;
      const event = firstEvent(m);
      event.attribution = { ...event.attribution, marker: 'ATTR' };
      firstError(m).message = 'ERRMSG';
      m.beacon.device = { ...m.beacon.device, screen: 'DEVICE' };
      let text = JSON.stringify(m.beacon);
      const inject = (anchor: string) => (text = text.replace(anchor, `${anchor},${member}`));
      if (where === 'top') text = `{${member},${text.slice(1)}`;
      else if (where === 'event') inject('"name":"' + event.name + '"');
      else if (where === 'attribution') inject('"marker":"ATTR"');
      else if (where === 'device') inject('"screen":"DEVICE"');
      else inject('"message":"ERRMSG"');
      // Only attribution takes any key; elsewhere a key the contract does not know is refused.
      const verdict = where === 'attribution' ? expect : 'reject';
      return { ...plainCase(`proto/${where}-${key}`, verdict, null), text };
    });
}

// --- text that is not JSON, or not a beacon --------------------------------------------------------

function badJsonCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(
      beaconArb(T),
      fc.constantFrom(
        'truncated',
        'trailing-comma',
        'single-quotes',
        'garbage-after',
        'garbage-before',
        'empty',
        'null',
        'array',
        'string',
        'number',
        'raw-control-char',
        'nan-literal',
        'comment',
        'hex',
        'undefined',
      ),
      fc.nat(),
    )
    .map(([beacon, how, n]) => {
      const json = JSON.stringify(beacon);
      const texts: Record<string, string> = {
        truncated: json.slice(0, 1 + (n % (json.length - 1))),
        'trailing-comma': `${json.slice(0, -1)},}`,
        'single-quotes': json.replaceAll('"', "'"),
        'garbage-after': `${json}x`,
        'garbage-before': `)]}'\n${json}`,
        empty: '',
        null: 'null',
        array: `[${json}]`,
        string: JSON.stringify(json),
        number: '42',
        'raw-control-char': json.replace('"sid":"', '"sid":"\u0001\n'),
        'nan-literal': json.replace('"events":[', '"events":[NaN,'),
        comment: `/* beacon */${json}`,
        hex: json.replace('"events":[', '"events":[0x10,'),
        undefined: 'undefined',
      };
      return { ...plainCase(`bad-json/${how}`, 'reject', null), text: texts[how]! };
    });
}

/** JSON that is odd but valid; whatever the server decides, a 202 must store what it parsed. */
function oddJsonCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(
      material(T),
      fc.constantFrom(
        'bom',
        'duplicate-keys',
        'pretty',
        'negative-zero',
        'exponent-ts',
        'infinity-literal',
      ),
    )
    .map(([m, how]) => {
      const event = firstEvent(m);
      let text = JSON.stringify(m.beacon);
      let expect: Expect = 'any';
      if (how === 'bom') text = `\ufeff${text}`;
      else if (how === 'duplicate-keys')
        text = `{"sid":"bogus\\u0000","events":{"not":"an array"},${text.slice(1)}`;
      else if (how === 'pretty') text = JSON.stringify(m.beacon, null, '\t\r\n ');
      else if (how === 'negative-zero') {
        event.value = 0;
        event.attribution = { zero: 0 };
        text = JSON.stringify(m.beacon)
          .replace('"value":0', '"value":-0')
          .replace('"zero":0', '"zero":-0.0e5');
      } else if (how === 'exponent-ts') {
        text = text.replace(`"ts":${event.ts}`, `"ts":${(event.ts / 1e12).toString()}e12`);
      } else {
        text = text.replace(`"value":${event.value}`, '"value":1e999');
        expect = 'reject';
      }
      return { ...plainCase(`odd-json/${how}`, expect, null), text };
    });
}

// --- URLs the contract and the workers may read differently -----------------------------------------

const TRICKY_URLS = [
  'https://example.com:65535/edge',
  'https://example.com:65536/',
  'https://example.com:99999/a',
  'https://example.com:0/',
  'https://example.com:/empty-port',
  'http://1.2.3.256/x',
  'http://1.2.3.4.5/',
  'http://999999999999/',
  'http://4294967296/',
  'http://0x7f.1/a',
  'http://0/',
  'https://[v1.x]/',
  'http://[::ffff:1.2.3.4]/',
  'https://user:pass@example.com/p',
  'https://exa_mple.com/',
  'https://a..b/',
  'http://./',
  'http://-/',
  'https://%41.com/',
  'https://ex%00ample.com/',
  'https://exam%2Fple.com/',
  'http://%zz/',
  'http://a/b/../../../c',
  'http://example.com',
  'https://example.com/%zz%00%',
  'https://example.com/?q#f',
  'HTTPS://EXAMPLE.COM/Upper',
  'https://bücher.example/',
  'Http://example.com/mixed',
];

function urlCases(T: number): fc.Arbitrary<HostileCase> {
  return fc
    .tuple(
      beaconArb(T),
      fc.oneof(
        fc.constantFrom(...TRICKY_URLS),
        fc
          .tuple(
            fc.integer({ min: 0, max: 300 }),
            fc.integer({ min: 0, max: 300 }),
            fc.integer({ min: 0, max: 120_000 }),
          )
          .map(([a, b, port]) => `http://10.${a}.1.${b}:${port}/p`),
      ),
    )
    .map(([beacon, url]) => {
      beacon.url = url;
      return plainCase(`url/${url.length > 40 ? 'generated' : url}`, 'any', beacon);
    });
}

// --- the same metric id twice in one beacon ---------------------------------------------------------

function duplicateIdCases(T: number): fc.Arbitrary<HostileCase> {
  return fc.tuple(material(T), fc.double({ min: 0, max: 1, noNaN: true })).map(([m, f]) => {
    const event = firstEvent(m);
    const value = Math.min(MAX_METRIC_VALUE[event.name], event.value * (1 + f) + f);
    // A different value, or an identical copy: with equal values the stored row is the first.
    const copy: GenEvent =
      value === event.value ? { ...event } : { ...event, value, delta: value - event.value };
    if (copy.rating !== undefined)
      copy.rating = RATINGS[(RATINGS.indexOf(copy.rating as never) + 1) % 3];
    if (value === event.value) copy.rating = event.rating;
    m.beacon.events.push(copy);
    return plainCase('dup/same-id-in-beacon', 'accept', m.beacon);
  });
}

// --- the wire: content types, encodings, keys ----------------------------------------------------

function wireCases(T: number): fc.Arbitrary<HostileCase> {
  const refused: [string, Partial<HostileCase>][] = [
    ['no-content-type', { contentType: null }],
    ['text/html', { contentType: 'text/html' }],
    ['multipart', { contentType: 'multipart/form-data; boundary=XyZ' }],
    ['form', { contentType: 'application/x-www-form-urlencoded' }],
    ['xml', { contentType: 'application/xml' }],
    ['png', { contentType: 'image/png' }],
    ['gzip-corrupt', { encoding: 'gzip-corrupt' }],
    ['gzip-bomb', { encoding: 'gzip-bomb' }],
    ['br', { encoding: 'br' }],
    ['deflate', { encoding: 'deflate' }],
    ['no-key', { key: 'none' }],
    ['unknown-key', { key: 'unknown' }],
  ];
  const undecided: [string, Partial<HostileCase>][] = [
    ['APPLICATION/JSON', { contentType: 'APPLICATION/JSON' }],
    ['json-latin1', { contentType: 'application/json; charset=latin1' }],
    ['text-utf16', { contentType: 'text/plain; charset=utf-16' }],
    ['json-params', { contentType: 'application/json; charset=UTF-8; foo=bar' }],
    ['vnd+json', { contentType: 'application/vnd.api+json' }],
    ['text-html-charset', { contentType: 'text/plain; charset=UTF-8, text/html' }],
  ];
  return fc
    .tuple(
      beaconArb(T),
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(...refused).map(([n, w]) => ({ n, w, e: 'reject' as Expect })),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(...undecided).map(([n, w]) => ({ n, w, e: 'any' as Expect })),
        },
      ),
    )
    .map(([beacon, { n, w, e }]) => {
      const base = plainCase(`wire/${n}`, e, beacon);
      if (n === 'multipart')
        base.text = `--XyZ\r\nContent-Disposition: form-data; name="beacon"\r\n\r\n${base.text}\r\n--XyZ--\r\n`;
      return { ...base, ...w };
    });
}

/**
 * The mix, in percent: 22 valid beacons (plain, gzip, sendBeacon's text/plain, key in a
 * header), 14 at a cap or one past it, the rest hostile; about 45% are accepted in all.
 */
export function hostileCase(T: number): fc.Arbitrary<HostileCase> {
  return fc.oneof(
    { weight: 22, arbitrary: validCases(T) },
    { weight: 12, arbitrary: capCases(T) },
    { weight: 2, arbitrary: bodySizeCases(T) },
    { weight: 6, arbitrary: timeCases(T) },
    { weight: 13, arbitrary: typeCases(T) },
    { weight: 4, arbitrary: unknownKeyCases(T) },
    { weight: 7, arbitrary: unstorableCases(T) },
    { weight: 5, arbitrary: nestingCases(T) },
    { weight: 5, arbitrary: protoCases(T) },
    { weight: 6, arbitrary: badJsonCases(T) },
    { weight: 3, arbitrary: oddJsonCases(T) },
    { weight: 4, arbitrary: urlCases(T) },
    { weight: 3, arbitrary: duplicateIdCases(T) },
    { weight: 8, arbitrary: wireCases(T) },
  );
}

export interface OnTheWire {
  /** The body as the server sees it after decoding (what a 202 must have stored). */
  decoded: Buffer;
  body: Buffer;
  headers: Record<string, string>;
}

/** The case's bytes and headers, with the session id made unique by `index`. */
export function toWire(c: HostileCase, index: number): OnTheWire {
  const text = c.text.replaceAll(SID_TOKEN, sidToken(index));
  const pieces = text.split(BAD_BYTES_TOKEN).map((piece) => Buffer.from(piece, 'utf8'));
  let decoded = Buffer.concat(pieces.flatMap((p, i) => (i === 0 ? [p] : [BAD_BYTES, p])));
  if (c.padTo !== undefined) {
    if (decoded.length > c.padTo)
      throw new Error(`case ${index}: body already over ${c.padTo} bytes`);
    decoded = Buffer.concat([decoded, Buffer.alloc(c.padTo - decoded.length, 0x20)]);
  }
  const headers: Record<string, string> = {};
  if (c.contentType !== null) headers['content-type'] = c.contentType;
  let body = decoded;
  switch (c.encoding) {
    case 'identity':
      break;
    case 'identity-header':
      headers['content-encoding'] = 'identity';
      break;
    case 'gzip':
    case 'x-gzip':
    case 'GZIP':
      headers['content-encoding'] = c.encoding;
      body = gzipSync(decoded);
      break;
    case 'gzip-corrupt': {
      headers['content-encoding'] = 'gzip';
      const good = gzipSync(decoded);
      const variants = [
        good.subarray(0, Math.max(10, good.length >> 1)), // truncated
        Buffer.concat([good.subarray(0, good.length - 8), Buffer.alloc(8, 0xab)]), // bad CRC and size
        Buffer.concat([good.subarray(0, 10), Buffer.from('not deflate data at all')]),
        decoded, // says gzip, is not
      ];
      body = variants[index % variants.length]!;
      break;
    }
    case 'gzip-bomb':
      // 4 MiB of JSON whitespace after the beacon: a few KiB on the wire.
      headers['content-encoding'] = 'gzip';
      body = gzipSync(Buffer.concat([decoded, Buffer.alloc(4 << 20, 0x20)]), { level: 9 });
      break;
    case 'br':
      headers['content-encoding'] = 'br';
      body = brotliCompressSync(decoded);
      break;
    case 'deflate':
      headers['content-encoding'] = 'deflate';
      body = deflateSync(decoded);
      break;
  }
  return { decoded, body, headers };
}

/**
 * A re-report of an accepted beacon's body: the same session, ids and times with other values
 * (CLS and INP grow), so the stored row must be the larger one.
 */
export function reReport(decodedText: string, factor: number): string {
  const beacon = JSON.parse(decodedText) as GenBeacon;
  for (const event of beacon.events) {
    const value = Math.min(MAX_METRIC_VALUE[event.name], event.value * factor);
    if (value === event.value) continue;
    event.delta = value - event.value;
    if (event.rating !== undefined)
      event.rating = RATINGS[(RATINGS.indexOf(event.rating as never) + 1) % 3];
    event.value = value;
  }
  return JSON.stringify(beacon);
}
