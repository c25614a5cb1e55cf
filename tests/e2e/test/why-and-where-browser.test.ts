/**
 * Why and where, from a real browser to the query API's answers: Debian's Chromium visits a
 * page with a known LCP element (a late hero image) and a known slow click handler, loaded
 * with the SDK's attribution build; the real ingest API, workers and query API (embedded
 * TimescaleDB, Redis) turn what it sends into the `attribution`, `phases` and
 * `breakdown?by=navigationType` answers. The same page is then reloaded and, after leaving it,
 * restored from the back/forward cache, and each visit must be counted under its own
 * navigation type.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HERO_DELAY_MS, HERO_SVG } from '@rum/demo';
import { CHROMIUM } from '@rum/testing/chromium';
import {
  PHASES,
  type AttributionResponse,
  type BreakdownResponse,
  type PhasesResponse,
} from '@rum/contract';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';

const SDK_DIR = fileURLToPath(new URL('../../../packages/sdk/', import.meta.url));
/** The attribution script-tag build, as a site would host it (built when missing). */
const SDK_FILE = join(SDK_DIR, 'dist/rum.attribution.js');
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
/** How long the buy button's click handler blocks the main thread. */
const HANDLER_MS = 600;
/** The ids of the page's hero image and slow button. */
const HERO_ID = 'hero';
const BUTTON_ID = 'slow-buy';
/**
 * The selectors web-vitals reports for them: its getSelector (web-vitals/src/lib/getSelector.ts)
 * stops at the first element with an id, which it names `#id` (classes are left out then).
 */
const HERO_SELECTOR = `#${HERO_ID}`;
const BUTTON_SELECTOR = `#${BUTTON_ID}`;
/** The page's three visits, in order: the first, a reload, a back/forward cache restore. */
const VISITS = ['navigate', 'reload', 'back-forward-cache'] as const;
/**
 * What the SDK stores for them (metric and navigation type → rows): every visit reports TTFB,
 * FCP, LCP and CLS (web-vitals reports them again after a restore); only the first had an
 * interaction, so INP and FID once.
 */
const EXPECTED_ROWS: Record<string, number> = {
  ...Object.fromEntries(
    VISITS.flatMap((visit) => ['CLS', 'FCP', 'LCP', 'TTFB'].map((m) => [`${m} ${visit}`, 1])),
  ),
  'FID navigate': 1,
  'INP navigate': 1,
};

let pipeline: Pipeline;
let site: Server;
let origin: string;
let browser: Browser;

/**
 * The page's globals as the code passed to page.evaluate() uses them (this package is typed
 * for Node, not the DOM), with the marks the test leaves to tell a restored document from a
 * new one.
 */
interface InPage {
  marked?: boolean;
  persisted?: boolean;
  addEventListener(type: 'pageshow', listener: (event: { persisted: boolean }) => void): void;
  requestAnimationFrame(callback: () => void): number;
  performance: { getEntriesByType(type: 'navigation'): { type: string }[] };
  PerformanceObserver: new (
    callback: (
      list: { getEntries(): { name: string; url?: string }[] },
      observer: { disconnect(): void },
    ) => void,
  ) => { observe(options: { type: string; buffered: boolean; durationThreshold: number }): void };
}

/** The shop page: the hero is the largest paint, the buy button the slow interaction. */
function shopPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Why and where</title>
<link rel="icon" href="data:,">
<script src="/rum.attribution.js" data-key="${pipeline.project.ingestKey}" data-endpoint="${pipeline.ingestUrl}" defer></script>
<style>body { margin: 0; font-family: system-ui, sans-serif; } main { padding: 16px; }</style>
</head>
<body>
<main>
  <h1>Trail tent</h1>
  <img id="${HERO_ID}" class="hero" src="/hero.svg" width="800" height="400" alt="A mountain at dusk">
  <p><button id="${BUTTON_ID}" type="button">Buy (slow)</button></p>
</main>
<script>
  document.getElementById('${BUTTON_ID}').addEventListener('click', function () {
    var end = performance.now() + ${HANDLER_MS};
    while (performance.now() < end) {}
    this.textContent = 'Bought';
  });
</script>
</body>
</html>
`;
}

/**
 * The site: the shop page (no unload handler, no no-store, nothing left open, so Chrome may keep
 * it in the back/forward cache), the SDK, the hero (late, as in the demo) and a page to leave to.
 */
function startSite(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    if (path === '/shop') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopPage());
    } else if (path === '/rum.attribution.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(SDK_FILE));
    } else if (path === '/hero.svg') {
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(HERO_SVG),
        HERO_DELAY_MS,
      );
    } else if (path === '/elsewhere') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>Elsewhere</p>');
    } else res.writeHead(404).end();
  });
  return new Promise((resolveServer) => server.listen(0, '127.0.0.1', () => resolveServer(server)));
}

/**
 * Resolves once the page's performance timeline holds an entry of `type` named `match` or for
 * a resource whose URL ends with it. LCP and event timing entries are only visible to
 * observers, not to performance.getEntriesByType().
 */
async function entrySeen(page: Page, type: string, match: string): Promise<void> {
  await page.evaluate(
    ([type, match]) =>
      new Promise<void>((resolveSeen) =>
        new (globalThis as unknown as InPage).PerformanceObserver((list, observer) => {
          if (list.getEntries().some((e) => e.name === match || e.url?.endsWith(match))) {
            observer.disconnect();
            resolveSeen();
          }
        }).observe({ type, buffered: true, durationThreshold: 16 }),
      ),
    [type, match] as const,
  );
}

/** GETs a query API route of the test project with its read token. */
async function ask<T>(route: string): Promise<T> {
  const res = await pipeline.query!.inject({
    method: 'GET',
    url: `/v1/projects/${pipeline.project.project}/${route}`,
    headers: { authorization: `Bearer ${pipeline.project.readToken}` },
  });
  assert.equal(res.statusCode, 200, `${route}: ${res.body}`);
  return res.json<T>();
}

/** Stored rows per metric and navigation type, as `LCP navigate` → count. */
async function storedRows(): Promise<Record<string, number>> {
  const { rows } = await pipeline.db.pool.query<{ key: string; n: number }>(
    `SELECT name || ' ' || coalesce(navigation_type, 'none') AS key, count(*)::int AS n
       FROM metrics WHERE project_id = $1 GROUP BY 1`,
    [pipeline.project.id],
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

/** Polls the database until the workers have stored exactly `expected`. */
async function rowsStored(expected: Record<string, number>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let rows = await storedRows();
  while (!isDeepStrictEqual(rows, expected)) {
    if (Date.now() > deadline) assert.deepEqual(rows, expected, 'rows stored by the workers');
    await new Promise((r) => setTimeout(r, 100));
    rows = await storedRows();
  }
  await pipeline.drained();
}

/** `rows` or `groups` of an answer as value → count, for exact comparison. */
const counts = (groups: { value: string; count: number }[]) =>
  Object.fromEntries(groups.map((g) => [g.value, g.count]));

before(async () => {
  if (!existsSync(SDK_FILE)) {
    execFileSync('npm', ['run', 'build'], { cwd: SDK_DIR, stdio: 'inherit' });
  }
  pipeline = await startPipeline({ query: true });
  site = await startSite();
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  // Playwright launches Chromium with --disable-back-forward-cache (so that page.goBack()
  // always makes a request it can intercept); this test needs the cache.
  browser = await chromium.launch({
    ...CHROMIUM,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolveClose) => site?.close(resolveClose));
  await pipeline?.stop();
});

test('a visit with a slow click, a reload and a back/forward cache restore are all stored', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Why Chrome kept the page out of the back/forward cache, for the failure message.
  const cdp = await context.newCDPSession(page);
  const notCached: string[] = [];
  cdp.on('Page.backForwardCacheNotUsed', (event) =>
    notCached.push(...event.notRestoredExplanations.map((e) => e.reason)),
  );
  await cdp.send('Page.enable');

  // 1. The first visit: the hero paints late, then the slow click (which also ends LCP).
  await page.goto(`${origin}/shop`, { waitUntil: 'load' });
  await entrySeen(page, 'largest-contentful-paint', '/hero.svg');
  await page.click(BUTTON_SELECTOR);
  await entrySeen(page, 'event', 'click');
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, 'why-and-where-shop.png') });

  // 2. A reload: the first visit is hidden and the SDK flushes it.
  await page.reload({ waitUntil: 'load' });
  await entrySeen(page, 'largest-contentful-paint', '/hero.svg');

  // 3. Away and back. A restore from the back/forward cache shows the same document again
  // (the mark is still there, its navigation entry still the reload's) with pageshow
  // persisted; a new load would have neither.
  await page.evaluate(() => {
    const inPage = globalThis as unknown as InPage;
    inPage.marked = true;
    inPage.addEventListener('pageshow', (event) => (inPage.persisted = event.persisted));
  });
  await page.goto(`${origin}/elsewhere`, { waitUntil: 'load' });
  // A restore fires no load event, which goBack would otherwise wait for.
  await page.goBack({ waitUntil: 'commit' });
  // Shown again (pageshow ran), or a new document without the mark: the assertion says which.
  await page.waitForFunction(() => {
    const inPage = globalThis as unknown as InPage;
    return inPage.persisted !== undefined || !inPage.marked;
  });
  const shown = await page.evaluate(() => {
    const inPage = globalThis as unknown as InPage;
    return {
      persisted: inPage.persisted,
      marked: inPage.marked,
      navigation: inPage.performance.getEntriesByType('navigation')[0]?.type,
    };
  });
  assert.deepEqual(
    shown,
    { persisted: true, marked: true, navigation: 'reload' },
    `restored from the back/forward cache (not used because: ${notCached.join(', ') || '-'})`,
  );
  // web-vitals reports a restore's FCP and LCP two animation frames after pageshow; leaving
  // then hides the restored page and the SDK flushes it.
  await page.evaluate(
    () =>
      new Promise((resolveFrames) => {
        const inPage = globalThis as unknown as InPage;
        inPage.requestAnimationFrame(() => inPage.requestAnimationFrame(() => resolveFrames(0)));
      }),
  );
  await page.goto(`${origin}/elsewhere`, { waitUntil: 'load' });
  await context.close();

  await rowsStored(EXPECTED_ROWS);
});

test('attribution?metric=LCP&by=element names the hero', async () => {
  const answer = await ask<AttributionResponse>('attribution?metric=LCP&by=element&range=1h');
  // The first visit and the reload painted the hero; a restore paints nothing new, so
  // web-vitals names no element for it.
  assert.equal(answer.count, VISITS.length);
  assert.deepEqual(counts(answer.groups), { [HERO_SELECTOR]: 2 });
  assert.equal(answer.unattributed, 1 / VISITS.length);
  const restored = await ask<AttributionResponse>(
    'attribution?metric=LCP&by=element&range=1h&navigationType=back-forward-cache',
  );
  assert.deepEqual([restored.count, restored.groups, restored.unattributed], [1, [], 1]);
  const byUrl = await ask<AttributionResponse>('attribution?metric=LCP&by=url&range=1h');
  assert.deepEqual(counts(byUrl.groups), { [`${origin}/hero.svg`]: 2 });
});

test('attribution?metric=INP&by=target names the slow button, a poor interaction', async () => {
  const answer = await ask<AttributionResponse>('attribution?metric=INP&by=target&range=1h');
  assert.deepEqual(
    answer.groups.map(({ value, count, poor, poorShare }) => ({ value, count, poor, poorShare })),
    [{ value: BUTTON_SELECTOR, count: 1, poor: 1, poorShare: 1 }],
  );
  assert.equal(answer.unattributed, 0);
});

test('phases: the click handler is INP processing time; LCP has its four subparts', async () => {
  const inp = await ask<PhasesResponse>('phases?metric=INP&range=1h');
  assert.deepEqual(
    inp.phases.map((p) => p.phase),
    [...PHASES.INP],
  );
  const processing = inp.phases.find((p) => p.phase === 'processingDuration')!;
  assert.equal(processing.all.count, 1);
  assert.ok(
    processing.all.p75! >= HANDLER_MS,
    `processing p75 ${processing.all.p75} ms covers the ${HANDLER_MS} ms handler`,
  );
  assert.deepEqual(processing.poor, processing.all, 'the only interaction is a poor one');

  const lcp = await ask<PhasesResponse>('phases?metric=LCP&range=1h');
  assert.deepEqual(
    lcp.phases.map((p) => [p.phase, p.all.count, p.all.p75 !== null]),
    // A restore carries subparts too: web-vitals puts its whole LCP in the render delay.
    PHASES.LCP.map((phase) => [phase, VISITS.length, true]),
  );
});

test('breakdown?by=navigationType counts each visit under its type', async () => {
  for (const range of ['1h', '7d']) {
    const lcp = await ask<BreakdownResponse>(
      `breakdown?by=navigationType&metric=LCP&range=${range}`,
    );
    assert.deepEqual(
      counts(lcp.rows),
      Object.fromEntries(VISITS.map((visit) => [visit, 1])),
      `LCP over ${range} (${lcp.source})`,
    );
  }
  const inp = await ask<BreakdownResponse>('breakdown?by=navigationType&metric=INP&range=1h');
  assert.deepEqual(counts(inp.rows), { navigate: 1 });
});
