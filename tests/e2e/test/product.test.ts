/**
 * End to end, as a newcomer runs it: `rum start` on a fresh data folder and free ports,
 * `rum simulate` through the real ingest API, a real Chromium visit to the demo page (the
 * real SDK), views whose causes the test knows, then the dashboard: the assessment, the cards
 * and their change from the previous hour, the Why panel, slow routes and the navigation-type
 * breakdown and filter must show what the query API answers, the charts must draw, and a new
 * beacon must reach the live feed without a reload. Ctrl-C at the end must leave nothing
 * listening.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_ERROR, HERO_DELAY_MS, SLOW_HANDLER_MS } from '@rum/demo';
import { CHROMIUM } from '@rum/testing/chromium';
import type {
  AssessmentResponse,
  AttributionResponse,
  Beacon,
  BreakdownResponse,
  ErrorsResponse,
  MetricsResponse,
  PagesResponse,
  PhasesResponse,
  SummaryResponse,
} from '@rum/contract';
import {
  formatCount,
  formatGoodShareChange,
  formatMetric,
  formatP75Change,
  formatShare,
  navigationTypeLabel,
} from '@rum/dashboard/format';
import { REPO_ROOT, RUM, startRum, type RumUrls, type RunningRum } from '../src/rum-start.ts';
import { expectTexts, waitFor } from '../src/wait-for.ts';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '../test-results');
const SIMULATED_EVENTS = 1500;

/**
 * Views whose causes the test knows: a run-unique LCP element and INP target, poor on every
 * view so that they lead the Why panel (ranked by poor views) over the simulated ones, each
 * view on its own ID-bearing URL of one route, a third of them reloads, half on phones.
 */
const RUN = Date.now().toString(36);
const WHY_DOMAIN = 'why.example.com';
const WHY_ELEMENT = `main > img.e2e-hero-${RUN}`;
const WHY_TARGET = `button#e2e-buy-${RUN}`;
const WHY_VIEWS = 40;
/** LCP views 90 minutes ago: the 1h range's previous window, so its cards have a change to show. */
const EARLIER_VIEWS = 5;
const EARLIER_MS = 90 * 60_000;

let rum: RunningRum;
let urls: RumUrls;
let browser: Browser | undefined;

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolvePort(false);
    });
    socket.once('error', () => resolvePort(true));
  });
}

const queryApi = <T>(path: string) => rum.queryApi<T>(path);
const collect = (beacon: Beacon) => rum.collect(beacon);

function whyView(i: number, now: number): Beacon {
  const navigationType = i % 3 === 0 ? 'reload' : 'navigate';
  return {
    sid: `e2e-why-${RUN}-${i}`,
    url: `https://${WHY_DOMAIN}/products/${1000 + i}`,
    device: { type: i % 2 === 0 ? 'mobile' : 'desktop' },
    events: [
      {
        id: `v5-LCP-${RUN}-${i}`,
        name: 'LCP',
        value: 5200 + i * 10,
        ts: now,
        navigationType,
        attribution: {
          element: WHY_ELEMENT,
          url: `https://${WHY_DOMAIN}/images/hero.avif`,
          timeToFirstByte: 800,
          resourceLoadDelay: 1400,
          resourceLoadDuration: 2200,
          elementRenderDelay: 800 + i * 10,
        },
      },
      {
        id: `v5-INP-${RUN}-${i}`,
        name: 'INP',
        value: 640 + i,
        ts: now,
        navigationType,
        attribution: {
          target: WHY_TARGET,
          type: 'pointer',
          inputDelay: 40,
          processingDuration: 500 + i,
          presentationDelay: 100,
        },
      },
    ],
  };
}

function earlierView(i: number, now: number): Beacon {
  return {
    sid: `e2e-earlier-${RUN}-${i}`,
    url: `https://${WHY_DOMAIN}/earlier`,
    device: { type: 'desktop' },
    events: [{ id: `v5-LCP-earlier-${RUN}-${i}`, name: 'LCP', value: 900, ts: now - EARLIER_MS }],
  };
}

/** The Why table's first-column texts, as the dashboard writes an attribution answer. */
function whyValues(answer: AttributionResponse): string[] {
  return answer.groups.map((g) => (g.value === '(other)' ? 'Other values' : g.value));
}

before(async () => {
  rum = await startRum({ logFile: join(RESULTS, 'rum-start.log') });
  urls = rum.urls;
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await rum?.stop();
});

test(
  'rum start, simulate, a real visit, and the dashboard shows it live',
  { timeout: 600_000 },
  async () => {
    // 1. Synthetic traffic through the real ingest API.
    const simulate = spawn(
      process.execPath,
      [
        RUM,
        'simulate',
        '--events',
        String(SIMULATED_EVENTS),
        '--seed',
        '42',
        '--endpoint',
        urls.ingest,
        '--key',
        urls.ingestKey,
      ],
      { cwd: REPO_ROOT, env: rum.env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let simulateOut = '';
    simulate.stdout!.on('data', (chunk: Buffer) => (simulateOut += chunk.toString()));
    const simulateCode = await new Promise((r) => simulate.once('exit', r));
    assert.equal(simulateCode, 0);
    const summary = JSON.parse(simulateOut.trim().split('\n').pop()!) as {
      events: number;
      beacons: number;
      accepted: number;
    };
    assert.equal(summary.events, SIMULATED_EVENTS);
    assert.equal(summary.accepted, summary.beacons);

    // 2. A real visit with the real SDK: LCP image, layout shift, slow click, thrown error, hidden page.
    const visitor = await browser!.newPage();
    const pageErrors: string[] = [];
    visitor.on('pageerror', (err) => pageErrors.push(err.message));
    await visitor.goto(urls.demo);
    // Interact only once the late hero image is painted as the LCP candidate: the first click
    // finalises LCP.
    await visitor.evaluate(
      () =>
        new Promise<void>((resolve) => {
          new PerformanceObserver((list, observer) => {
            // This runs in the page; the types here are Node's, which know no LCP entry.
            const entries = list.getEntries() as unknown as { element?: { tagName: string } }[];
            if (entries.some((e) => e.element?.tagName === 'IMG')) {
              observer.disconnect();
              resolve();
            }
          }).observe({ type: 'largest-contentful-paint' as 'mark', buffered: true });
        }),
    );
    await visitor.locator('#banner').waitFor();
    await visitor.click('[data-testid=slow-button]');
    await visitor.click('[data-testid=throw-button]');
    assert.ok(
      pageErrors.some((m) => m.includes(DEMO_ERROR)),
      'the demo button throws',
    );
    // Leaving the page hides it: the SDK flushes with sendBeacon.
    await visitor.goto('about:blank');
    await visitor.close();

    // 3. Everything committed: every simulated event, and the visit's error.
    // `to` changes on every poll, so the query API's cache never answers with an older count.
    await waitFor(
      'the simulated events and the demo visit in the query API',
      async () => {
        const to = new Date(Date.now() + 3_600_000).toISOString();
        const from = new Date(Date.now() - 86_400_000).toISOString();
        const [all, errors] = await Promise.all([
          queryApi<SummaryResponse>(`summary?from=${from}&to=${to}`),
          queryApi<ErrorsResponse>(`errors?from=${from}&to=${to}`),
        ]);
        const total = all.metrics.reduce((sum, m) => sum + m.count, 0);
        return total > SIMULATED_EVENTS && errors.errors.some((e) => e.message.includes(DEMO_ERROR))
          ? true
          : undefined;
      },
      120_000,
    );

    // The visit's own rows, as the SDK measured them in Chromium: stored once per metric, with
    // the values the demo page was built to produce.
    const demo = new URL(urls.demo);
    const visitRows = async (metric: string) => {
      const to = new Date(Date.now() + 3_600_000).toISOString();
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const { rows } = await queryApi<MetricsResponse>(
        `metrics?metric=${metric}&from=${from}&to=${to}&limit=1000`,
      );
      return rows.filter((r) => r.domain === demo.hostname || r.domain === demo.host);
    };
    const lcpRows = await visitRows('LCP');
    const clsRows = await visitRows('CLS');
    const inpRows = await visitRows('INP');
    const fcpRows = await visitRows('FCP');
    const ttfbRows = await visitRows('TTFB');
    assert.equal(lcpRows.length, 1, 'one LCP row for the visit');
    assert.ok(
      lcpRows[0]!.value >= HERO_DELAY_MS,
      `LCP ${lcpRows[0]!.value} ms waits for the late hero image`,
    );
    assert.equal(clsRows.length, 1, 'one CLS row');
    assert.ok(clsRows[0]!.value > 0, 'the banner shifted the layout');
    assert.equal(inpRows.length, 1, 'one INP row');
    assert.ok(
      inpRows[0]!.value >= SLOW_HANDLER_MS,
      `INP ${inpRows[0]!.value} ms covers the slow handler`,
    );
    assert.equal(fcpRows.length, 1, 'one FCP row');
    assert.equal(ttfbRows.length, 1, 'one TTFB row');

    // 3b. Views whose causes the test knows, and LCP views of the previous hour.
    const sentAt = Date.now();
    for (let i = 0; i < WHY_VIEWS; i++) await collect(whyView(i, sentAt));
    for (let i = 0; i < EARLIER_VIEWS; i++) await collect(earlierView(i, sentAt));
    await waitFor(
      'the views with known causes in the query API',
      async () => {
        const to = new Date(Date.now() + 3_600_000).toISOString();
        const from = new Date(Date.now() - 86_400_000).toISOString();
        const ofDomain = async (metric: string) =>
          (
            await queryApi<MetricsResponse>(
              `metrics?metric=${metric}&from=${from}&to=${to}&limit=1000`,
            )
          ).rows.filter((r) => r.domain === WHY_DOMAIN).length;
        const [lcp, inp] = await Promise.all([ofDomain('LCP'), ofDomain('INP')]);
        return lcp === WHY_VIEWS + EARLIER_VIEWS && inp === WHY_VIEWS ? true : undefined;
      },
      60_000,
    );

    // 4. The dashboard, signed in by the URL fragment.
    const page: Page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    await page.goto(urls.dashboard);
    await page.locator('[data-testid=summary-cards]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-testid=project-name]').textContent(), 'demo');
    assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar');

    // The cards show exactly what the query API answers for the same question (the dashboard's default: 24h).
    const expected = await queryApi<SummaryResponse>('summary?range=24h');
    assert.ok(expected.metrics.length >= 5);
    for (const m of expected.metrics) {
      assert.equal(
        await page.locator(`[data-testid=p75-${m.metric}]`).textContent(),
        formatMetric(m.metric, m.p75),
        `p75 of ${m.metric}`,
      );
      assert.equal(
        await page.locator(`[data-testid=count-${m.metric}]`).textContent(),
        formatCount(m.count),
        `count of ${m.metric}`,
      );
      if (m.rating) {
        assert.equal(
          await page.locator(`[data-testid=p75-${m.metric}]`).getAttribute('data-rating'),
          m.rating,
        );
      }
    }
    const lcp = expected.metrics.find((m) => m.metric === 'LCP')!;
    assert.ok(lcp.count > 0 && lcp.p75 !== null);

    // The charts draw: a line for the time series, bars for the histogram.
    await page
      .locator('[data-testid=timeseries-chart] path.recharts-curve')
      .first()
      .waitFor({ timeout: 30_000 });
    const bars = page.locator('[data-testid=histogram-chart] .recharts-bar-rectangle path');
    await bars.first().waitFor({ timeout: 30_000 });
    assert.ok((await bars.count()) > 3, 'histogram bars');
    await page.locator('[data-testid=breakdown-table-row]').first().waitFor();
    await page.locator('[data-testid=slow-pages-table-row]').first().waitFor();
    await page.locator('[data-testid=error-message]', { hasText: DEMO_ERROR }).waitFor();

    // The Core Web Vitals assessment (last 28 days): each form factor's verdict and p75s.
    const assessment = await queryApi<AssessmentResponse>('assessment');
    assert.deepEqual(assessment.formFactors.map((f) => f.formFactor).sort(), ['desktop', 'mobile']);
    const badges = async (page?: string) => {
      const answer = page
        ? await queryApi<AssessmentResponse>(`assessment?page=${encodeURIComponent(page)}`)
        : assessment;
      return answer.formFactors.map((f) => [
        f.formFactor,
        f.status,
        f.metrics.map((m) => `${m.metric} ${formatMetric(m.metric, m.p75)}`),
      ]);
    };
    const shownBadges = () =>
      Promise.all(
        assessment.formFactors.map(async ({ formFactor }) => {
          const badge = page.locator(`[data-testid=assessment-${formFactor}]`);
          return [
            formFactor,
            await badge.getAttribute('data-status'),
            await badge.locator('.assessment-metrics li').allTextContents(),
          ];
        }),
      );
    await expectTexts('the assessment badges', shownBadges, () => badges());

    // Why LCP is poor: the element the test sent leads, as the query API ranks it.
    const why = (query: string) => queryApi<AttributionResponse>(`attribution?${query}&limit=10`);
    const lcpWhy = await why('range=24h&metric=LCP&by=element');
    assert.equal(lcpWhy.groups[0]?.value, WHY_ELEMENT, 'the element behind most poor LCP views');
    const whyRows = page.locator('[data-testid=why] [data-testid=why-value]');
    await expectTexts(
      'the Why panel of LCP',
      () => whyRows.allTextContents(),
      async () => whyValues(await why('range=24h&metric=LCP&by=element')),
    );
    assert.equal(
      await page.locator('[data-testid=why-poor-share]').first().textContent(),
      `${formatShare(lcpWhy.groups[0]!.poorShare)} · ${formatCount(lcpWhy.groups[0]!.poor)} poor`,
    );
    assert.ok(
      (await page.locator('[data-testid=why-unattributed]').textContent())!.startsWith(
        formatShare(lcpWhy.unattributed),
      ),
    );
    // LCP subparts at p75, all views and poor views.
    const phaseCells = async (metric: 'LCP' | 'INP') =>
      (await queryApi<PhasesResponse>(`phases?range=24h&metric=${metric}`)).phases.map((p) => [
        p.phase,
        formatMetric(metric, p.all.p75),
        formatMetric(metric, p.poor.p75),
      ]);
    const shownPhaseCells = async (metric: 'LCP' | 'INP') =>
      Promise.all(
        (await phaseCells(metric)).map(async ([phase]) => [
          phase,
          await page.locator(`[data-testid=phase-${phase}-all]`).textContent(),
          await page.locator(`[data-testid=phase-${phase}-poor]`).textContent(),
        ]),
      );
    assert.equal((await phaseCells('LCP')).length, 4, 'four LCP subparts');
    await expectTexts(
      'the LCP subparts',
      () => shownPhaseCells('LCP'),
      () => phaseCells('LCP'),
    );

    // Slow routes: the test's product pages are one route, which names how many pages it has.
    const slowRoutes = await queryApi<PagesResponse>(
      'slow-pages?range=24h&metric=LCP&groupBy=route',
    );
    const whyRoute = slowRoutes.pages.find((p) => p.domain === WHY_DOMAIN && p.pages > 1);
    assert.ok(whyRoute, 'the ID-bearing product URLs are grouped into one route');
    assert.equal(whyRoute.pages, WHY_VIEWS);
    assert.equal(whyRoute.count, WHY_VIEWS);
    const slowRows = page.locator('[data-testid=slow-pages-table-row] th');
    await expectTexts(
      'the slow routes',
      () => slowRows.allTextContents(),
      async () =>
        (await queryApi<PagesResponse>('slow-pages?range=24h&metric=LCP&groupBy=route')).pages.map(
          (p) => `${p.path}${formatCount(p.pages)} page${p.pages === 1 ? '' : 's'} · ${p.domain}`,
        ),
    );

    // The breakdown by navigation type names the reloads the test sent.
    await page.locator('[data-testid=breakdown-tab-navigationType]').click();
    const byNavigation = await queryApi<BreakdownResponse>(
      'breakdown?range=24h&metric=LCP&by=navigationType',
    );
    assert.ok(byNavigation.rows.some((r) => r.value === 'reload'));
    await expectTexts(
      'the navigation-type breakdown',
      () => page.locator('[data-testid=breakdown-table-row] th').allTextContents(),
      async () =>
        (
          await queryApi<BreakdownResponse>('breakdown?range=24h&metric=LCP&by=navigationType')
        ).rows.map((r) => (r.value === '' ? 'unknown' : navigationTypeLabel(r.value))),
    );

    // 5. Live: a new beacon shows up in the feed without a reload.
    await waitFor('the live feed to connect', async () =>
      (await page.locator('[data-testid=live-status]').textContent())?.includes('Live')
        ? true
        : undefined,
    );
    const path = `/live-check-${Date.now().toString(36)}`;
    const beacon = {
      sid: `e2e-${Date.now()}`,
      url: `https://shop.example.com${path}`,
      events: [{ id: `v5-LCP-e2e-${Date.now()}`, name: 'LCP', value: 1234, ts: Date.now() }],
    };
    const response = await fetch(`${urls.ingest}/v1/collect?key=${urls.ingestKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(beacon),
    });
    assert.equal(response.status, 202);
    const liveItem = page.locator('[data-testid=live-feed] [data-testid=live-event]', {
      hasText: path,
    });
    await liveItem.waitFor({ timeout: 15_000 });
    assert.equal(
      await liveItem.locator('[data-testid=live-event-value]').textContent(),
      formatMetric('LCP', 1234),
    );

    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(RESULTS, 'dashboard-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 1000 });

    // INP: the target the test sent leads; ranked by interaction type on request; its phases.
    await page.locator('[data-testid=summary-card-INP]').click();
    const inpWhy = await why('range=24h&metric=INP&by=target');
    assert.equal(inpWhy.groups[0]?.value, WHY_TARGET, 'the target behind most poor INP views');
    await expectTexts(
      'the Why panel of INP',
      () => whyRows.allTextContents(),
      async () => whyValues(await why('range=24h&metric=INP&by=target')),
    );
    await expectTexts(
      'the INP phases',
      () => shownPhaseCells('INP'),
      () => phaseCells('INP'),
    );
    await page.locator('[data-testid=why-key-select]').selectOption('type');
    await expectTexts(
      'INP ranked by interaction type',
      () => whyRows.allTextContents(),
      async () => whyValues(await why('range=24h&metric=INP&by=type')),
    );
    assert.ok((await whyRows.allTextContents()).includes('pointer'));
    await page.screenshot({ path: join(RESULTS, 'dashboard-why-inp.png'), fullPage: true });
    // FCP has no aggregated causes: the panel says so instead of asking.
    await page.locator('[data-testid=summary-card-FCP]').click();
    await page.locator('[data-testid=why-unavailable]').waitFor();
    assert.equal(await page.locator('[data-testid=why-table]').count(), 0);

    // Reloads only: the cards and the Why panel follow the navigation-type filter.
    await page.locator('[data-testid=summary-card-LCP]').click();
    await page.locator('[data-testid=filter-navigationType]').selectOption('reload');
    await expectTexts(
      'the LCP card of reloads',
      () => page.locator('[data-testid=count-LCP]').textContent(),
      async () =>
        formatCount(
          (await queryApi<SummaryResponse>('summary?range=24h&navigationType=reload')).metrics.find(
            (m) => m.metric === 'LCP',
          )!.count,
        ),
    );
    await expectTexts(
      'the Why panel of reloads',
      () => whyRows.allTextContents(),
      async () => whyValues(await why('range=24h&metric=LCP&by=element&navigationType=reload')),
    );
    assert.equal(await whyRows.first().textContent(), WHY_ELEMENT);
    // Errors follow the navigation-type filter too (an error takes its page view's type).
    await expectTexts(
      'the errors of reloads',
      () => page.locator('[data-testid=error-count]').allTextContents(),
      async () =>
        (await queryApi<ErrorsResponse>('errors?range=24h&navigationType=reload')).errors.map(
          (e) => `${formatCount(e.count)}×`,
        ),
    );

    // The assessment follows the page filter, a route template included.
    await page.locator('[data-testid=clear-filters]').click();
    await page
      .locator(`[data-testid=filter-page] option[value="${whyRoute.path}"]`)
      .waitFor({ state: 'attached' });
    await page.locator('[data-testid=filter-page]').selectOption(whyRoute.path);
    await expectTexts('the assessment of one route', shownBadges, () => badges(whyRoute.path));
    await page.locator('[data-testid=clear-filters]').click();

    // The last hour against the hour before: every card's change is the query API's.
    await page.locator('[data-testid=range-select]').selectOption('1h');
    const hourly = () => queryApi<SummaryResponse>('summary?range=1h&compare=previous');
    const lastHour = await hourly();
    const lcpChange = lastHour.metrics.find((m) => m.metric === 'LCP')?.change;
    assert.ok(lcpChange && lcpChange.p75 !== null, 'the earlier LCP views make a previous hour');
    // Per card: the change figures as written (class and text), or that it has none to show.
    await expectTexts(
      'the changes from the previous hour',
      () =>
        Promise.all(
          lastHour.metrics.map(async ({ metric }) => {
            const card = page.locator(`[data-testid=change-${metric}]`);
            if ((await card.count()) === 0) return [metric, 'absent'];
            if ((await card.textContent())?.startsWith('No samples')) return [metric, 'none'];
            const figures = await card.locator('.change').all();
            return [
              metric,
              await Promise.all(
                figures.map(
                  async (c) => `${await c.getAttribute('class')}: ${await c.textContent()}`,
                ),
              ),
            ];
          }),
        ),
      async () =>
        (await hourly()).metrics.map(({ metric, change }) => {
          if (!change) return [metric, 'absent'];
          if (change.p75 === null) return [metric, 'none'];
          const p75 = formatP75Change(metric, change.p75);
          const good = change.good === null ? null : formatGoodShareChange(change.good);
          return [
            metric,
            [
              `change change-${p75.tone}: ${p75.text}`,
              ...(good ? [`change change-${good.tone}: good ${good.text}`] : []),
            ],
          ];
        }),
    );
    await page.screenshot({ path: join(RESULTS, 'dashboard-last-hour.png'), fullPage: true });

    assert.deepEqual(consoleErrors, []);
    await page.close();

    // 6. Ctrl-C stops everything: nothing is left listening.
    assert.equal(await rum.interrupt(), 0);
    const databasePort = Number(new URL(urls.database).port);
    for (const [name, port] of [
      ...Object.entries(rum.ports),
      ['embedded TimescaleDB', databasePort] as const,
    ]) {
      assert.ok(await portIsClosed(port), `${name} ${port} still listening after Ctrl-C`);
    }
  },
);
