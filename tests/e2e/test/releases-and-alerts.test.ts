/**
 * Releases and alerts on the dashboard, end to end: `rum start` (the workers evaluating alert
 * rules every 500 ms), beacons of two releases sent through the real ingest API, and Chromium.
 * The releases panel shows each release's p75 and its change as the query API does, the release
 * filter turns the cards into that release's figures, and a marker stands at each release's
 * first sighting. A rule made to fire for real (breaching beacons, the workers' evaluations)
 * raises the banner live, without a reload, and again after one; the history lists the state
 * changes and the time series marks them; good traffic resolves it. A link as an alert sends it
 * (`?project=&metric=&device=&range=`) opens on that view.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM } from '@rum/testing/chromium';
import {
  CORE_WEB_VITALS,
  DAY_MS,
  defaultInterval,
  HOUR_MS,
  MINUTE_MS,
  RANGE_MS,
  type Range,
  type AlertEventState,
  type AlertEventsResponse,
  type AlertsResponse,
  type Beacon,
  type DeviceType,
  type ReleasesResponse,
  type SummaryResponse,
  type TimeseriesResponse,
} from '@rum/contract';
import { createAlertRule, createPool, type Pool } from '@rum/server-kit';
import { formatCount, formatMetric, formatP75Change, formatTime } from '@rum/dashboard/format';
import { startRum, type RunningRum } from '../src/rum-start.ts';
import { expectTexts, waitFor } from '../src/wait-for.ts';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '../test-results');
/** How often the workers evaluate the rules here (a minute in production). */
const ALERT_INTERVAL_MS = 500;
/** How often the dashboard asks GET alerts on its own: a banner sooner than this came live. */
const DASHBOARD_ALERTS_POLL_MS = 30_000;

/**
 * Two releases, each with views of known values, the newer one slower. Both within the last
 * hour, which the rollups leave to raw rows: views sent with older times would be counted only
 * once the rollups' next refresh reaches back to them.
 */
const RELEASES = [
  { name: 'shop-1.0.0', firstSeenAgoMs: 50 * MINUTE_MS, lcp: 1800, inp: 120, cls: 0.05 },
  { name: 'shop-1.1.0', firstSeenAgoMs: 25 * MINUTE_MS, lcp: 3200, inp: 260, cls: 0.12 },
] as const;
const VIEWS_PER_RELEASE = 12;
const VIEW_SPACING_MS = 2 * MINUTE_MS;

/** The alert rule: LCP p75 of phones on the product pages above 2.5 s over the last 5 minutes. */
const RULE = {
  metric: 'LCP',
  stat: 'p75',
  above: 2500,
  window: '5m',
  device: 'mobile',
  route: '/products/:id',
  minSamples: 5,
} as const;
const BREACHING_VIEWS = 8;
const GOOD_VIEWS = 40;

let rum: RunningRum;
let browser: Browser;
let pool: Pool;
let receiver: Server;
let receiverUrl: string;
const RUN = Date.now().toString(36);
let sequence = 0;

function view(options: {
  release?: string;
  ts: number;
  device: DeviceType;
  path: string;
  lcp: number;
  inp?: number;
  cls?: number;
}): Beacon {
  const n = ++sequence;
  const event = (name: 'LCP' | 'INP' | 'CLS', value: number) => ({
    id: `v5-${name}-${RUN}-${n}`,
    name,
    value,
    ts: options.ts,
  });
  return {
    sid: `e2e-ra-${RUN}-${n}`,
    url: `https://shop.example.com${options.path}`,
    ...(options.release ? { release: options.release } : {}),
    device: { type: options.device },
    events: [
      event('LCP', options.lcp),
      ...(options.inp === undefined ? [] : [event('INP', options.inp)]),
      ...(options.cls === undefined ? [] : [event('CLS', options.cls)]),
    ],
  };
}

/** Opens the dashboard signed in by the URL fragment, with `search` as its query string. */
async function openDashboard(search = '', width = 1440): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const url = new URL(rum.urls.dashboard);
  url.search = search;
  await page.goto(url.toString());
  await page.locator('[data-testid=summary-cards]').waitFor({ timeout: 60_000 });
  return page;
}

/** The LCP card's p75 and sample count, as the page writes them. */
function shownCards(page: Page) {
  return Promise.all(
    CORE_WEB_VITALS.map(async (metric) => [
      metric,
      await page.locator(`[data-testid=p75-${metric}]`).textContent(),
      await page.locator(`[data-testid=count-${metric}]`).textContent(),
    ]),
  );
}

function cardsOf(answer: SummaryResponse) {
  return CORE_WEB_VITALS.map((metric) => {
    const m = answer.metrics.find((s) => s.metric === metric)!;
    return [metric, formatMetric(metric, m.p75), formatCount(m.count)];
  });
}

/**
 * The markers of `kind` on the time series: their label, their moment, and how far (px) each
 * stands from where its moment falls on the time axis of the window the query API answers.
 */
async function shownMarkers(page: Page, kind: string) {
  const chart = page.locator('[data-testid=timeseries-chart]');
  const axis = chart.locator('.recharts-xAxis line.recharts-cartesian-axis-line');
  const [left, right] = await Promise.all([axis.getAttribute('x1'), axis.getAttribute('x2')]);
  const metric = (await page.locator('[data-testid=metric-select]').inputValue()) as 'LCP';
  const range = await page.locator('[data-testid=range-select]').inputValue();
  const window = await rum.queryApi<TimeseriesResponse>(
    `timeseries?range=${range}&metric=${metric}&interval=${defaultInterval(RANGE_MS[range as Range])}`,
  );
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const markers = await chart.locator(`[data-testid=time-marker][data-kind=${kind}]`).all();
  return Promise.all(
    markers.map(async (m) => {
      const at = (await m.getAttribute('data-at'))!;
      const x = Number(await m.getAttribute('x1'));
      const expectedX =
        Number(left) + ((Date.parse(at) - from) / (to - from)) * (Number(right) - Number(left));
      return { label: await m.getAttribute('data-label'), at, offPx: Math.abs(x - expectedX) };
    }),
  );
}

/**
 * Waits until `count` markers of `kind` stand where their moments fall on the time axis (within
 * 2 px; the chart may still be drawing the previous answer) and returns them.
 */
async function markersInPlace(page: Page, kind: string, count: number) {
  let last: Awaited<ReturnType<typeof shownMarkers>> | undefined;
  return waitFor(`${count} ${kind} marker(s) in place`, async () => {
    last = await shownMarkers(page, kind);
    return last.length === count && last.every((m) => m.offPx < 2) ? last : undefined;
  }).catch((err: Error) => {
    throw new Error(`${err.message}; last: ${JSON.stringify(last)}`);
  });
}

/** Waits for the workers to store `rule`'s change to `state`, and returns it. */
function stateChange(rule: string, state: AlertEventState) {
  return waitFor(
    `rule ${rule} to change to ${state}`,
    async () => {
      const { events } = await rum.queryApi<AlertEventsResponse>('alert-events');
      return events.find((e) => e.rule === rule && e.state === state);
    },
    30_000,
  );
}

before(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  rum = await startRum({
    logFile: join(RESULTS, 'rum-start-releases-alerts.log'),
    env: { ALERT_INTERVAL_MS: String(ALERT_INTERVAL_MS) },
  });
  pool = createPool(rum.urls.database, 1);
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await pool?.end();
  await rum?.stop();
  await new Promise((r) => receiver?.close(r));
});

test('releases: the panel, the release filter and the markers show what the query API answers', async () => {
  const now = Date.now();
  for (const r of RELEASES) {
    for (let i = 0; i < VIEWS_PER_RELEASE; i++) {
      await rum.collect(
        view({
          release: r.name,
          ts: now - r.firstSeenAgoMs + i * VIEW_SPACING_MS,
          device: i % 2 === 0 ? 'desktop' : 'mobile',
          path: `/releases/${i}`,
          lcp: r.lcp + i * 10,
          inp: r.inp + i,
          cls: r.cls,
        }),
      );
    }
  }
  let lastAnswer: ReleasesResponse | undefined;
  const releases = await waitFor('both releases in the query API', async () => {
    // `to` changes on every poll, so the query API's cache never answers with an older count.
    const to = new Date(Date.now() + HOUR_MS).toISOString();
    const from = new Date(Date.now() - DAY_MS).toISOString();
    lastAnswer = await rum.queryApi<ReleasesResponse>(
      `releases?from=${from}&to=${to}&compare=previous`,
    );
    return lastAnswer.releases.length === RELEASES.length &&
      lastAnswer.releases.every((r) => r.samples === VIEWS_PER_RELEASE * 3)
      ? lastAnswer
      : undefined;
  }).catch((err: Error) => {
    throw new Error(`${err.message}; last answer: ${JSON.stringify(lastAnswer)}`);
  });
  // Newest first, each first seen at its first view, the newer one against the older.
  assert.deepEqual(
    releases.releases.map((r) => [r.release, r.firstSeen, r.previous]),
    [...RELEASES]
      .reverse()
      .map((r, i, all) => [
        r.name,
        new Date(now - r.firstSeenAgoMs).toISOString(),
        all[i + 1]?.name ?? null,
      ]),
  );

  const page = await openDashboard();
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });

  // The panel: each release's p75 and change from the previous release, as the API gives them.
  const rows = page.locator('[data-testid=releases-table-row]');
  await expectTexts(
    'the releases panel',
    () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-release'),
          ...['LCP', 'INP', 'CLS'].flatMap((m) => [
            tr.querySelector(`[data-testid=release-p75-${m}]`)?.textContent ?? null,
            tr.querySelector(`[data-testid=release-p75-${m}]`)?.getAttribute('data-rating') ?? null,
            tr.querySelector(`[data-testid=release-change-${m}]`)?.textContent ?? null,
          ]),
        ]),
      ),
    async () =>
      (await rum.queryApi<ReleasesResponse>('releases?range=24h&compare=previous')).releases.map(
        (r) => [
          r.release,
          ...CORE_WEB_VITALS.flatMap((metric) => {
            const m = r.metrics.find((s) => s.metric === metric)!;
            return [
              formatMetric(metric, m.p75),
              m.rating ?? 'none',
              m.change?.p75 == null ? null : formatP75Change(metric, m.change.p75).text,
            ];
          }),
        ],
      ),
  );
  // The newer release is slower: its LCP change is shown as worse.
  assert.equal(
    await rows.first().locator('[data-testid=release-change-LCP]').getAttribute('class'),
    'change change-worse',
  );

  // A marker at each release's first sighting, where that moment falls on the time axis (of
  // the last hour, where they stand apart).
  await page.locator('[data-testid=range-select]').selectOption('1h');
  const markers = await markersInPlace(page, 'release', RELEASES.length);
  assert.deepEqual(
    markers.map((m) => [m.label, m.at]).sort(),
    releases.releases.map((r) => [r.release, r.firstSeen]).sort(),
  );
  // Each labelled with its release's name.
  assert.deepEqual(
    await page
      .locator('[data-testid=timeseries-chart] svg text')
      .allTextContents()
      .then((t) => t.filter((s) => s.startsWith('shop-')).sort()),
    RELEASES.map((r) => r.name),
  );

  // The release filter lists the releases (newest first) and turns the cards into its figures.
  assert.deepEqual(await page.locator('[data-testid=filter-release] option').allTextContents(), [
    'All releases',
    ...[...RELEASES].reverse().map((r) => r.name),
  ]);
  for (const r of RELEASES) {
    await page.locator('[data-testid=filter-release]').selectOption(r.name);
    await expectTexts(
      `the cards of release ${r.name}`,
      () => shownCards(page),
      async () =>
        cardsOf(
          await rum.queryApi<SummaryResponse>(
            `summary?range=1h&release=${encodeURIComponent(r.name)}`,
          ),
        ),
    );
    const [lcp] = await shownCards(page);
    assert.equal(lcp![2], formatCount(VIEWS_PER_RELEASE), `${r.name}: its own views only`);
  }
  assert.equal(
    await page.locator('[data-testid=releases-table-row].selected').getAttribute('data-release'),
    RELEASES[1].name,
  );
  assert.ok(page.url().includes(`release=${RELEASES[1].name}`), 'the view is in the address bar');
  await page.screenshot({ path: join(RESULTS, 'releases.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page
    .locator('[data-testid=releases]')
    .screenshot({ path: join(RESULTS, 'releases-phone.png') });
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('an alert that fires for real: the banner (live, and after a reload), the history, the markers', async () => {
  const page = await openDashboard();
  const openedAt = Date.now();
  assert.equal(await page.locator('[data-testid=alert-banner]').count(), 0, 'nothing fires yet');
  await waitFor('the live feed to connect', async () =>
    (await page.locator('[data-testid=live-status]').textContent())?.includes('Live')
      ? true
      : undefined,
  );

  const rule = await createAlertRule(pool, {
    project: 'demo',
    ...RULE,
    webhook: receiverUrl,
  });
  for (let i = 0; i < BREACHING_VIEWS; i++) {
    await rum.collect(
      view({ ts: Date.now(), device: 'mobile', path: `/products/${100 + i}`, lcp: 6000 + i * 100 }),
    );
  }
  const fired = await stateChange(rule.id, 'firing');

  // Live: the banner comes with the socket's alerts event, before the page's first poll.
  const banner = page.locator('[data-testid=alert-banner]');
  await banner.waitFor({ timeout: Math.max(1, openedAt + DASHBOARD_ALERTS_POLL_MS - Date.now()) });
  assert.ok(Date.now() < openedAt + DASHBOARD_ALERTS_POLL_MS, 'the banner came before a poll');
  const firingRule = async () =>
    (await rum.queryApi<AlertsResponse>('alerts')).alerts.find((a) => a.id === rule.id)!;
  const bannerItem = banner.locator(`[data-testid=alert-banner-item][data-rule="${rule.id}"]`);
  const shownBanner = async () => [
    await bannerItem.locator('[data-testid=alert-banner-what]').textContent(),
    await bannerItem.locator('[data-testid=alert-banner-value]').textContent(),
    await bannerItem.locator('[data-testid=alert-banner-threshold]').textContent(),
    await bannerItem.locator('[data-testid=alert-banner-since]').textContent(),
  ];
  const expectedBanner = async () => {
    const r = await firingRule();
    return [
      'LCP p75 on mobile · /products/:id',
      formatMetric('LCP', r.last!.value),
      formatMetric('LCP', RULE.above),
      formatTime(r.since, true),
    ];
  };
  await expectTexts('the banner', shownBanner, expectedBanner);
  assert.equal((await firingRule()).state, 'firing');
  assert.equal((await firingRule()).since, fired.at);

  // The history lists the firing event; a red marker stands where it fired.
  const firingItem = page.locator(
    `[data-testid=alert-event][data-rule="${rule.id}"][data-state=firing]`,
  );
  await firingItem.waitFor({ timeout: 10_000 });
  assert.equal(
    await firingItem.locator('[data-testid=alert-event-value]').textContent(),
    `${formatMetric('LCP', fired.value)} vs ${formatMetric('LCP', RULE.above)}`,
  );
  assert.equal(
    await firingItem.locator('[data-testid=alert-event-time]').textContent(),
    formatTime(fired.at, true),
  );
  const [firingMarker] = await markersInPlace(page, 'alert-firing', 1);
  assert.equal(firingMarker!.at, fired.at);
  await page.screenshot({ path: join(RESULTS, 'alert-firing.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(RESULTS, 'alert-firing-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 1000 });

  // After a reload (no socket event to wait for) the banner is there from GET alerts.
  await page.reload();
  await banner.waitFor({ timeout: 15_000 });
  await expectTexts('the banner after a reload', shownBanner, expectedBanner);

  // Good traffic resolves the rule: the banner goes, live; the history and a green marker say so.
  const resolvingFrom = Date.now();
  for (let i = 0; i < GOOD_VIEWS; i++) {
    await rum.collect(
      view({ ts: Date.now(), device: 'mobile', path: `/products/${200 + i}`, lcp: 1000 }),
    );
  }
  const resolved = await stateChange(rule.id, 'resolved');
  await banner.waitFor({
    state: 'detached',
    timeout: Math.max(1, resolvingFrom + DASHBOARD_ALERTS_POLL_MS - Date.now()),
  });
  await page
    .locator(`[data-testid=alert-event][data-rule="${rule.id}"][data-state=resolved]`)
    .waitFor({ timeout: 10_000 });
  assert.deepEqual(
    await page
      .locator(`[data-testid=alert-event][data-rule="${rule.id}"]`)
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-state'))),
    ['resolved', 'firing'],
    'newest first',
  );
  const [resolvedMarker] = await markersInPlace(page, 'alert-resolved', 1);
  assert.equal(resolvedMarker!.at, resolved.at);
  await page.screenshot({ path: join(RESULTS, 'alert-resolved.png'), fullPage: true });
  await page.close();
});

test("an alert's link opens the dashboard on its metric, slice and range", async () => {
  const page = await openDashboard('?project=demo&metric=INP&device=mobile&range=7d');
  assert.equal(await page.locator('[data-testid=range-select]').inputValue(), '7d');
  assert.equal(await page.locator('[data-testid=filter-device]').inputValue(), 'mobile');
  assert.equal(await page.locator('[data-testid=metric-select]').inputValue(), 'INP');
  assert.equal(await page.locator('[data-testid=timeseries] h2').textContent(), 'INP over time');
  assert.equal(
    await page.locator('[data-testid=summary-card-INP]').getAttribute('aria-pressed'),
    'true',
  );
  assert.equal(await page.locator('[data-testid=project-mismatch]').count(), 0);
  await expectTexts(
    'the cards of phones over 7 days',
    () => shownCards(page),
    async () => cardsOf(await rum.queryApi<SummaryResponse>('summary?range=7d&device=mobile')),
  );
  const address = new URL(page.url());
  assert.equal(address.searchParams.get('metric'), 'INP');
  assert.equal(address.searchParams.get('device'), 'mobile');
  assert.equal(address.searchParams.get('range'), '7d');
  assert.equal(address.hash, '', 'the token is not left in the address bar');
  await page.screenshot({ path: join(RESULTS, 'alert-link-view.png'), fullPage: true });
  await page.close();
});
