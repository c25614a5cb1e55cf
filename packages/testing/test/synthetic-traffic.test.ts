import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAVIGATION_TYPES, type BeaconEvent, type MetricName } from '@rum/contract';
import { validateBeacon } from '@rum/contract/schema';
import {
  seededRandom,
  syntheticHistory,
  syntheticPageView,
  trafficShape,
  type SyntheticBeacon,
} from '../src/synthetic-traffic.ts';

const ORIGIN = 'https://shop.example.com';
const NOW = Date.UTC(2025, 5, 11, 12, 0, 0);
const VIEWS = 20_000;

/** The wire keys of the SDK's attribution build (packages/sdk/src/lib/summarizeAttribution.ts). */
const ATTRIBUTION_KEYS: Partial<Record<MetricName, string[]>> = {
  LCP: [
    'element',
    'url',
    'timeToFirstByte',
    'resourceLoadDelay',
    'resourceLoadDuration',
    'elementRenderDelay',
  ],
  INP: ['target', 'type', 'inputDelay', 'processingDuration', 'presentationDelay', 'loadState'],
  CLS: ['target', 'value', 'loadState'],
  FCP: ['timeToFirstByte', 'firstByteToFCP'],
  TTFB: ['waitingDuration', 'dnsDuration', 'connectionDuration', 'requestDuration'],
};

/** The phases each metric is cut into, adding up to its value. */
const PARTS: Partial<Record<MetricName, string[]>> = {
  LCP: ['timeToFirstByte', 'resourceLoadDelay', 'resourceLoadDuration', 'elementRenderDelay'],
  INP: ['inputDelay', 'processingDuration', 'presentationDelay'],
  FCP: ['timeToFirstByte', 'firstByteToFCP'],
  TTFB: ['waitingDuration', 'dnsDuration', 'connectionDuration', 'requestDuration'],
};

function views(seed: number, n = VIEWS, regressionFrom?: number): SyntheticBeacon[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () =>
    syntheticPageView(random, {
      origin: ORIGIN,
      now: NOW,
      spreadMs: 3_600_000,
      errorRate: 0.04,
      ...(regressionFrom !== undefined ? { regressionFrom } : {}),
    }),
  );
}

const sample = views(1);

function events(name: MetricName, list = sample): { view: SyntheticBeacon; event: BeaconEvent }[] {
  return list.flatMap((view) =>
    view.beacon.events.filter((e) => e.name === name).map((event) => ({ view, event })),
  );
}

function p75(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(0.75 * (sorted.length - 1))]!;
}

function path(view: SyntheticBeacon): string {
  return new URL(view.beacon.url).pathname;
}

test('every page view passes the ingest schema at the time it was made', () => {
  for (const view of sample) {
    const checked = validateBeacon(view.beacon, NOW);
    assert.equal(checked.error, undefined, JSON.stringify(view.beacon));
  }
});

test('every navigation type, in realistic shares; bfcache restores are instant', () => {
  const lcp = events('LCP');
  const share = (type: string) =>
    lcp.filter((e) => e.event.navigationType === type).length / lcp.length;
  const expected: Record<(typeof NAVIGATION_TYPES)[number], number> = {
    navigate: 0.75,
    reload: 0.08,
    'back-forward': 0.05,
    'back-forward-cache': 0.08,
    prerender: 0.02,
    restore: 0.02,
  };
  for (const type of NAVIGATION_TYPES)
    assert.ok(Math.abs(share(type) - expected[type]) < 0.01, `${type}: ${share(type)}`);
  for (const view of sample) {
    const types = new Set(view.beacon.events.map((e) => e.navigationType));
    assert.equal(types.size, 1, 'one navigation type per page view');
  }

  const restored = sample.filter(
    (v) => v.beacon.events[0]!.navigationType === 'back-forward-cache',
  );
  for (const view of restored) {
    const value = (name: MetricName) => view.beacon.events.find((e) => e.name === name)!.value;
    assert.equal(value('TTFB'), 0);
    assert.ok(value('FCP') < 300 && value('LCP') < 300, JSON.stringify(view.beacon.events));
  }
  const navigated = events('LCP').filter((e) => e.event.navigationType === 'navigate');
  assert.ok(
    p75(navigated.map((e) => e.event.value)) >
      10 * p75(restored.map((v) => v.beacon.events[2]!.value)),
  );
});

test('attribution as the SDK sends it, on about 85% of page views, with parts adding up to the value', () => {
  const withAttribution = sample.filter((v) => v.beacon.events.some((e) => e.attribution));
  const share = withAttribution.length / sample.length;
  assert.ok(share > 0.83 && share < 0.87, `share with attribution: ${share}`);
  for (const view of sample) {
    const attributed = view.beacon.events.filter((e) => e.name !== 'FID' && e.attribution);
    // The build is per page: all of a view's metrics carry attribution, or none do.
    assert.ok(
      attributed.length === 0 ||
        attributed.length === view.beacon.events.filter((e) => e.name !== 'FID').length,
    );
  }
  for (const { view, event } of withAttribution.flatMap((v) =>
    v.beacon.events.map((event) => ({ view: v, event })),
  )) {
    const attribution = event.attribution;
    if (event.name === 'FID') {
      assert.equal(attribution, undefined, 'the SDK sends no FID attribution');
      continue;
    }
    assert.ok(attribution, `${event.name} of ${view.beacon.url}`);
    for (const key of Object.keys(attribution))
      assert.ok(ATTRIBUTION_KEYS[event.name]!.includes(key), `${event.name}.${key}`);
    const parts = PARTS[event.name];
    if (parts) {
      for (const part of parts)
        assert.ok((attribution[part] as number) >= 0, `${event.name}.${part}`);
      const sum = parts.reduce((s, part) => s + (attribution[part] as number), 0);
      assert.ok(Math.abs(sum - event.value) < 1e-6, `${event.name} ${event.value} != ${sum}`);
    }
    if (event.name === 'LCP') {
      const ttfb = view.beacon.events.find((e) => e.name === 'TTFB')!.value;
      assert.equal(attribution.timeToFirstByte, ttfb);
      if (event.navigationType === 'back-forward-cache')
        assert.equal(attribution.element, undefined);
      else assert.match(String(attribution.element), /^[#a-z]/);
      if (attribution.url !== undefined) {
        assert.ok(String(attribution.url).startsWith(`${ORIGIN}/images/`));
        assert.ok(!String(attribution.url).includes('?'), 'no query string');
      } else {
        assert.equal(attribution.resourceLoadDuration, 0, 'a text element loads nothing');
      }
    }
    if (event.name === 'INP') {
      assert.match(String(attribution.type), /^(pointer|keyboard)$/);
      assert.match(
        String(attribution.loadState),
        /^(loading|dom-interactive|dom-content-loaded|complete)$/,
      );
    }
    if (event.name === 'CLS') {
      assert.ok((attribution.value as number) <= event.value && (attribution.value as number) > 0);
      assert.equal(typeof attribution.target, 'string');
    }
  }
});

test('one slow handler makes most poor INP; the slowest pages have one LCP element', () => {
  const poor = events('INP').filter((e) => e.event.rating === 'poor' && e.event.attribution);
  const byTarget = new Map<string, number>();
  for (const { event } of poor)
    byTarget.set(
      String(event.attribution!.target),
      (byTarget.get(String(event.attribution!.target)) ?? 0) + 1,
    );
  const ranked = [...byTarget].sort((a, b) => b[1] - a[1]);
  assert.equal(ranked[0]![0], 'button#add-to-cart');
  assert.ok(
    ranked[0]![1] / poor.length > 0.5,
    `add-to-cart's share: ${ranked[0]![1] / poor.length}`,
  );

  const stores = events('LCP').filter(
    (e) => path(e.view) === '/stores' && e.event.attribution?.element,
  );
  const map = stores.filter((e) => e.event.attribution!.element === '#map>img.store-map');
  assert.ok(map.length / stores.length > 0.75);
});

test('paths with ids and hashes: many skewed product ids, order UUIDs, share tokens, hashed file names', () => {
  const paths = sample.map(path);
  const products = paths.filter((p) => /^\/products\/[0-9]+$/.test(p));
  const counts = new Map<string, number>();
  for (const p of products) counts.set(p, (counts.get(p) ?? 0) + 1);
  assert.ok(counts.size > 300, `distinct product ids: ${counts.size}`);
  const top = Math.max(...counts.values());
  assert.ok(top / products.length > 0.05, 'the most viewed product stands out');
  assert.ok(
    paths.some((p) =>
      /^\/orders\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(p),
    ),
  );
  assert.ok(paths.some((p) => /^\/share\/[0-9a-f]{32}$/.test(p)));
  assert.ok(paths.some((p) => /^\/promo\/summer-sale\.[0-9a-f]{8}\.html$/.test(p)));
  assert.ok(paths.includes('/products/trail-runner-2') && paths.includes('/checkout'));
});

test('seeded: the same seed gives the same traffic (ids keep a random part so runs never collide)', () => {
  const strip = (list: SyntheticBeacon[]) =>
    JSON.stringify(list).replace(/"(id|sid)":"([^"]*)-[0-9a-f]{8}"/g, '"$1":"$2"');
  assert.equal(strip(views(7, 200)), strip(views(7, 200)));
  assert.notEqual(strip(views(7, 200)), strip(views(8, 200)));
  assert.notEqual(views(7, 1)[0]!.beacon.sid, views(7, 1)[0]!.beacon.sid);
});

test('the regression: product pages by id on phones and tablets, LCP p75 about 60% slower, led by img.hero-banner', () => {
  const from = NOW - 1_800_000;
  const regressed = views(3, VIEWS, from);
  const lcpOf = (after: boolean) =>
    events('LCP', regressed).filter(
      (e) =>
        /^\/products\/[0-9]+$/.test(path(e.view)) &&
        e.view.beacon.device!.type !== 'desktop' &&
        e.event.navigationType === 'navigate' &&
        e.event.ts >= from === after,
    );
  const before = p75(lcpOf(false).map((e) => e.event.value));
  const after = p75(lcpOf(true).map((e) => e.event.value));
  assert.ok(after / before > 1.4 && after / before < 1.8, `p75 ${before} → ${after}`);
  const banner = lcpOf(true).filter((e) =>
    String(e.event.attribution?.element).endsWith('img.hero-banner'),
  );
  const attributed = lcpOf(true).filter((e) => e.event.attribution);
  assert.ok(banner.length / attributed.length > 0.65);
  // Desktops are not affected.
  const desktop = (after: boolean) =>
    p75(
      events('LCP', regressed)
        .filter(
          (e) =>
            /^\/products\/[0-9]+$/.test(path(e.view)) &&
            e.view.beacon.device!.type === 'desktop' &&
            e.event.ts >= from === after,
        )
        .map((e) => e.event.value),
    );
  assert.ok(desktop(true) / desktop(false) < 1.2);
});

test('history: every hour of the window, fewer views at night and at weekends, oldest first', () => {
  const end = Date.UTC(2025, 5, 11, 18, 30, 0); // a Wednesday
  const days = 14;
  const list = [
    ...syntheticHistory(seededRandom(5), {
      origin: ORIGIN,
      errorRate: 0.04,
      end,
      days,
      viewsPerDay: 1500,
    }),
  ];
  const times = list.map((v) => v.beacon.events[0]!.ts);
  assert.ok(
    times.every((t, i) => i === 0 || t >= times[i - 1]!),
    'in time order',
  );
  assert.ok(
    times[0]! >= end - days * 86_400_000 && times[0]! < end - days * 86_400_000 + 3_600_000,
  );
  assert.ok(times.at(-1)! <= end && times.at(-1)! > end - 3_600_000);
  const perDay = list.length / days;
  assert.ok(perDay > 1200 && perDay < 1600, `views per day: ${perDay}`);
  for (const view of list)
    assert.equal(validateBeacon(view.beacon, view.beacon.events[0]!.ts + 5000).error, undefined);

  const byHour = new Array<number>(24).fill(0);
  const byWeekday = new Array<number>(7).fill(0);
  for (const t of times) {
    byHour[new Date(t).getUTCHours()]!++;
    byWeekday[new Date(t).getUTCDay()]!++;
  }
  assert.ok(byHour[5]! < 0.5 * byHour[18]!, `05:00 ${byHour[5]} vs 18:00 ${byHour[18]}`);
  // Two of each weekday in 14 days (partial first and last day aside): Saturday and Sunday below Tuesday.
  assert.ok(byWeekday[0]! < 0.85 * byWeekday[2]! && byWeekday[6]! < 0.85 * byWeekday[2]!);
  assert.ok(trafficShape(Date.UTC(2025, 5, 14, 5)) < trafficShape(Date.UTC(2025, 5, 11, 18)));
});
