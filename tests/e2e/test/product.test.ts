/**
 * End to end, as a newcomer runs it: `rum start` on a fresh data folder and free ports,
 * `rum simulate` through the real ingest API, a real Chromium visit to the demo page (the
 * real SDK), then the dashboard: the cards must show what the query API answers, the charts
 * must draw, and a new beacon must reach the live feed without a reload. Ctrl-C at the end
 * must leave nothing listening.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_ERROR, HERO_DELAY_MS, SLOW_HANDLER_MS } from '@rum/demo';
import { CHROMIUM } from '@rum/testing/chromium';
import { freePort, startPrivateRedis, type PrivateRedis } from '@rum/testing';
import type { ErrorsResponse, MetricsResponse, SummaryResponse } from '@rum/contract';
import { formatCount, formatMetric } from '@rum/dashboard/format';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '../../..');
const RUM = join(REPO_ROOT, 'packages/cli/bin/rum.js');
const RESULTS = join(HERE, '../test-results');
const SIMULATED_EVENTS = 1500;

interface Urls {
  dashboard: string;
  token: string;
  demo: string;
  ingest: string;
  ingestKey: string;
  query: string;
}

let dataDir: string;
// A Redis of its own: the product uses the default queue name, and jobs left on a shared
// Redis by an earlier, interrupted run would be processed against this run's fresh database.
let redis: PrivateRedis;
let ports: Record<
  'INGEST_PORT' | 'QUERY_PORT' | 'WS_PORT' | 'WORKERS_PORT' | 'DASHBOARD_PORT' | 'DEMO_PORT',
  number
>;
let rum: ChildProcess | undefined;
let rumLog = '';
let browser: Browser | undefined;
let urls: Urls;

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RUM_DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
}

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

async function queryApi<T>(path: string): Promise<T> {
  const response = await fetch(`${urls.query}/v1/projects/demo/${path}`, {
    headers: { authorization: `Bearer ${urls.token}` },
  });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function line(label: string): string {
  const match = new RegExp(`^\\s*${label}:\\s+(\\S+)`, 'm').exec(rumLog);
  assert.ok(match, `rum start printed no "${label}:" line`);
  return match[1]!;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'rum-e2e-'));
  redis = await startPrivateRedis();
  ports = {
    INGEST_PORT: await freePort(),
    QUERY_PORT: await freePort(),
    WS_PORT: await freePort(),
    WORKERS_PORT: await freePort(),
    DASHBOARD_PORT: await freePort(),
    DEMO_PORT: await freePort(),
  };
  rum = spawn(process.execPath, [RUM, 'start'], {
    cwd: REPO_ROOT,
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The services' logs, for when this test fails.
  mkdirSync(RESULTS, { recursive: true });
  rum.stderr!.pipe(createWriteStream(join(RESULTS, 'rum-start.log')));
  let stderr = '';
  rum.stdout!.on('data', (chunk: Buffer) => (rumLog += chunk.toString()));
  rum.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<never>((_, reject) =>
    rum!.once('exit', (code) =>
      reject(new Error(`rum start exited (${code}) before printing its URLs:\n${stderr}`)),
    ),
  );
  await Promise.race([
    waitFor(
      'the URLs of rum start',
      async () => (rumLog.includes('Press Ctrl-C') ? true : undefined),
      240_000,
    ),
    exited,
  ]);
  const dashboard = new URL(line('Dashboard'));
  const ingest = new URL(line('Ingest API'));
  urls = {
    dashboard: line('Dashboard'),
    token: new URLSearchParams(dashboard.hash.slice(1)).get('token')!,
    demo: line('Demo page'),
    ingest: ingest.origin,
    ingestKey: ingest.searchParams.get('key')!,
    query: new URL(line('Query API')).origin,
  };
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  await browser?.close();
  if (rum && rum.exitCode === null) {
    const exited = new Promise((r) => rum!.once('exit', r));
    rum.kill('SIGINT');
    const killer = setTimeout(() => rum!.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(killer);
  }
  rmSync(dataDir, { recursive: true, force: true });
  await redis?.stop();
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
      { cwd: REPO_ROOT, env: env(), stdio: ['ignore', 'pipe', 'inherit'] },
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
    assert.deepEqual(consoleErrors, []);
    await page.close();

    // 6. Ctrl-C stops everything: nothing is left listening.
    const exited = new Promise<number | null>((r) => rum!.once('exit', (code) => r(code)));
    rum!.kill('SIGINT');
    assert.equal(await exited, 0);
    const databasePort = Number(new URL(line('Database')).port);
    for (const [name, port] of [
      ...Object.entries(ports),
      ['embedded TimescaleDB', databasePort] as const,
    ]) {
      assert.ok(await portIsClosed(port), `${name} ${port} still listening after Ctrl-C`);
    }
  },
);
