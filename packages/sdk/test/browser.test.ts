/**
 * Real-browser scenarios: Debian's Chromium loads one fixture page per scenario and the
 * capture server receives what the SDK really sends. Every beacon must pass the ingest
 * API's own joi schema (see support/captureServer.ts).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LIMITS, type BeaconError, type BeaconEvent } from '@rum/contract';
import { hide, launchChromium, settle, waitFor } from './support/browser.ts';
import { startCaptureServer, type Captured, type CaptureServer } from './support/captureServer.ts';

let server: CaptureServer;
let browser: Browser;
let context: BrowserContext;

const accepted = () => server.beacons.filter((b) => b.status == 202);
const allEvents = (): (BeaconEvent & { url: string; sid: string })[] =>
  accepted().flatMap((b) =>
    b.beacon.events.map((e) => ({ ...e, url: b.beacon.url, sid: b.beacon.sid })),
  );
const allErrors = (): (BeaconError & { url: string })[] =>
  accepted().flatMap((b) => (b.beacon.errors ?? []).map((e) => ({ ...e, url: b.beacon.url })));
const event = (name: string) =>
  waitFor(`a ${name} event`, () => allEvents().find((e) => e.name == name));

async function open(fixture: string, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.pageOrigin}/fixtures/${fixture}${query}`, { waitUntil: 'load' });
  return page;
}

before(async () => {
  server = await startCaptureServer();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  server.reset();
  context = await browser.newContext({ timezoneId: 'Europe/Paris' });
});
afterEach(async () => {
  await context.close();
  assert.deepEqual(server.rejected, [], 'every beacon passes the ingest schema');
});

describe('metrics', () => {
  it('reports LCP of a late image, with its element and URL (attribution build)', async () => {
    const page = await open('lcp.html');
    await page.waitForFunction(
      () => (document.getElementById('hero') as HTMLImageElement).complete,
    );
    // LCP entries are only visible to observers, not to performance.getEntriesByType().
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          new PerformanceObserver((list, observer) => {
            if (
              list.getEntries().some((e) => (e as unknown as { url: string }).url.includes('hero'))
            ) {
              observer.disconnect();
              resolve();
            }
          }).observe({ type: 'largest-contentful-paint', buffered: true }),
        ),
    );
    // web-vitals finalises LCP on the first trusted input (or a real tab switch).
    await page.keyboard.press('Shift');
    await settle(page);
    await hide(page);
    const lcp = await event('LCP');
    assert.ok(
      lcp.value >= 400 && lcp.value < 30_000,
      `LCP ${lcp.value} ms is after the 400 ms image delay`,
    );
    assert.equal(lcp.delta, lcp.value);
    assert.ok(['good', 'needs-improvement', 'poor'].includes(lcp.rating!));
    assert.equal(lcp.navigationType, 'navigate');
    assert.equal(lcp.attribution?.element, '#hero');
    // The image URL is kept, its query string (a signature here) is not.
    assert.equal(lcp.attribution?.url, `${server.pageOrigin}/img/hero.svg`);
    assert.match(lcp.id, /^v6-/);
  });

  it('reports CLS > 0 for a late banner pushing content down', async () => {
    const page = await open('cls.html');
    await page.waitForFunction(() => (window as unknown as { shifted?: boolean }).shifted);
    await settle(page);
    await hide(page);
    const cls = await event('CLS');
    assert.ok(cls.value > 0, `CLS ${cls.value} > 0`);
  });

  /** Clicks a button whose handler blocks `blockMs`, hides the page and returns the events. */
  async function slowClick(blockMs: number) {
    const page = await open('inp.html', `?block=${blockMs}`);
    await page.click('#slow');
    // The Event Timing entry exists only once the next frame is presented; a real tab switch
    // never comes sooner than that.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          new PerformanceObserver((list, observer) => {
            if (list.getEntries().some((e) => e.name == 'click' && e.duration >= 300)) {
              observer.disconnect();
              resolve();
            }
          }).observe({
            type: 'event',
            buffered: true,
            durationThreshold: 16,
          } as PerformanceObserverInit),
        ),
    );
    await settle(page);
    await hide(page);
    return { inp: await event('INP'), fid: await event('FID') };
  }

  it('reports INP >= 300 ms for a 300 ms click handler, rated by the CrUX thresholds (needs improvement up to 500 ms)', async () => {
    const { inp } = await slowClick(300);
    assert.ok(inp.value >= 300, `INP ${inp.value} >= 300`);
    assert.equal(inp.rating, inp.value > 500 ? 'poor' : 'needs-improvement');
  });

  it('reports INP rated poor, with target and phases, for a 600 ms click handler (npm build)', async () => {
    const { inp, fid } = await slowClick(600);
    assert.ok(inp.value >= 600, `INP ${inp.value} >= 600`);
    assert.equal(inp.rating, 'poor');
    assert.match(String(inp.attribution?.target), /slow|button/);
    assert.ok(
      Number(inp.attribution?.processingDuration) >= 590,
      'the handler time is in processingDuration',
    );
    assert.equal(typeof inp.attribution?.inputDelay, 'number');
    assert.equal(typeof inp.attribution?.presentationDelay, 'number');
    // The same click is the first input: FID comes from the first-input observer.
    assert.ok(fid.value >= 0 && fid.rating);
  });

  it('reports FCP and TTFB with the same session id and the device context', async () => {
    const page = await open('hidden.html');
    await settle(page);
    await hide(page);
    const fcp = await event('FCP');
    const ttfb = await event('TTFB');
    assert.equal(fcp.sid, ttfb.sid);
    const { device, connection } = accepted()[0]!.beacon;
    assert.equal(device?.type, 'desktop');
    assert.equal(device?.timezone, 'Europe/Paris');
    assert.ok(
      device?.browser && device.browserVersion && device.os && device.screen,
      JSON.stringify(device),
    );
    assert.ok(connection?.effectiveType, 'navigator.connection is read');
    assert.ok(
      accepted().every((b) => !('release' in b.beacon)),
      'no data-release: no release field',
    );
  });
});

describe('errors', () => {
  it('sends a thrown error and an unhandled rejection with stacks, each repeated error once', async () => {
    const page = await open('errors.html');
    await page.waitForFunction(() => (window as unknown as { done?: boolean }).done);
    await settle(page);
    await hide(page);
    const boom = await waitFor('the thrown error', () =>
      allErrors().find((e) => e.message.includes('boom')),
    );
    const nope = await waitFor('the rejection', () =>
      allErrors().find((e) => e.message.includes('nope')),
    );
    assert.match(boom.stack!, /explode/);
    assert.match(boom.source!, /errors\.html$/);
    assert.ok(boom.line! > 0 && boom.col! > 0);
    assert.match(nope.stack!, /reject/);
    assert.equal(allErrors().filter((e) => e.message.includes('boom')).length, 1, 'deduplicated');
  });

  it('sends text the database cannot store (U+0000, lone surrogates, a pair cut by the cap) as U+FFFD, in a beacon ingest accepts', async () => {
    const page = await open('unstorable.html');
    await page.waitForFunction(() => (window as unknown as { done?: boolean }).done);
    await page.keyboard.press('Shift'); // web-vitals finalises LCP on the first trusted input
    await settle(page);
    await hide(page);
    const error = await waitFor('the error', () =>
      allErrors().find((e) => e.message.includes('bad')),
    );
    const lcp = await event('LCP');
    // afterEach also checks that no beacon was refused.
    assert.equal(
      error.message,
      'Uncaught Error: bad\uFFFD text \uFFFD at #news\uFFFD>p '.padEnd(LIMITS.message - 1, 'z') +
        '\uFFFD',
    );
    assert.match(error.stack!, /^Error: bad\uFFFD text \uFFFD at #news\uFFFD>p z+\uD83D\uDE00\n/);
    assert.equal(lcp.attribution?.element, '#news\uFFFD\uFFFD');
  });
});

describe('transport', () => {
  it('flushes the batch when the page is hidden, uncompressed for sendBeacon', async () => {
    const page = await open('hidden.html');
    await settle(page);
    await hide(page);
    // CLS and LCP are only reported on hide, so their beacon is the hide flush.
    const cls = await event('CLS');
    const flushed = accepted().find((b) => b.beacon.events.some((e) => e.id == cls.id))!;
    assert.equal(flushed.contentEncoding, undefined);
    assert.match(flushed.contentType!, /^text\/plain/);
  });

  it('flushes on pagehide when the tab navigates away', async () => {
    const page = await open('hidden.html');
    // Leave only once the page has thrown (the SDK's listener has queued it by then).
    const thrown = page.waitForEvent('pageerror');
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('just before leaving');
      }),
    );
    await thrown;
    await page.goto('about:blank');
    await waitFor('the error queued before leaving', () =>
      allErrors().find((e) => e.message.includes('just before leaving')),
    );
  });

  it('flushes a full batch at once, gzipped, and retries a 503 as Retry-After says', async () => {
    server.failNext = 1;
    await open('retry.html');
    const ok = await waitFor('the retried batch', () =>
      server.beacons.find((b) => b.status == 202),
    );
    const failed = server.beacons.find((b) => b.status == 503)!;
    assert.ok(failed, 'the first attempt got the 503');
    assert.deepEqual(ok.beacon, failed.beacon, 'the retry resends the same batch');
    assert.equal(ok.contentEncoding, 'gzip');
    assert.match(ok.contentType!, /^text\/plain/, 'the gzip body is sent as text/plain');
    assert.ok(ok.beacon.errors!.length >= 8, 'flushed by size, not on hide');
  });
});

describe('options', () => {
  it('attributes events after an SPA navigation to the new path, flushing the old one first', async () => {
    const page = await open('spa.html', '?token=secret#frag');
    await page.waitForFunction(() => (window as unknown as { sdkReady?: boolean }).sdkReady);
    await event('TTFB');
    server.beacons.length = 0; // TTFB may already have left on the timer
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('on the old page');
      }),
    );
    await waitFor('the error to be queued', () => true);
    await page.waitForTimeout(100);
    await page.evaluate(() => history.pushState({}, '', '/app/next?user=42'));
    const old = await waitFor('the old-path flush', () =>
      allErrors().find((e) => e.message.includes('old page')),
    );
    assert.equal(old.url, `${server.pageOrigin}/fixtures/spa.html`, 'query and fragment dropped');
    assert.equal(server.beacons[0]!.contentEncoding, 'gzip', 'a live-page flush is gzipped');
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('on the new page');
      }),
    );
    await page.waitForTimeout(100);
    await settle(page);
    await hide(page);
    const later = await waitFor('the new-path error', () =>
      allErrors().find((e) => e.message.includes('new page')),
    );
    assert.equal(later.url, `${server.pageOrigin}/app/next`);
    const cls = await event('CLS');
    assert.equal(cls.url, `${server.pageOrigin}/app/next`);
  });

  it('sampleRate decides once per session: an out session sends nothing, an in session keeps sending', async () => {
    // Tab 1 starts sampled out: nothing, even on a later page with sampleRate 1.
    const out = await open('sampled-out.html');
    await out.evaluate(() =>
      setTimeout(() => {
        throw new Error('never sent');
      }),
    );
    await settle(out);
    await hide(out);
    await out.goto(`${server.pageOrigin}/fixtures/sampled-in.html`, { waitUntil: 'load' });
    await settle(out);
    await hide(out);
    // Tab 2 starts sampled in: still reporting on a page with sampleRate 0.
    const inTab = await open('sampled-in.html');
    await inTab.goto(`${server.pageOrigin}/fixtures/sampled-out.html`, { waitUntil: 'load' });
    await settle(inTab);
    await hide(inTab);
    await waitFor('the sampled-in session on the sampleRate 0 page', () =>
      allEvents().find((e) => e.url.endsWith('/sampled-out.html')),
    );
    const sessions = new Set(allEvents().map((e) => e.sid));
    assert.equal(sessions.size, 1, 'only the sampled-in tab reported');
    assert.equal(allErrors().length, 0);
  });

  it('beforeSend drops and edits items (npm build)', async () => {
    const page = await open('before-send.html');
    await page.waitForTimeout(100);
    await settle(page);
    await hide(page);
    const ttfb = await event('TTFB');
    assert.deepEqual(ttfb.attribution, { edited: 'yes' });
    await waitFor('the kept error', () =>
      allErrors().find((e) => e.message.includes('kept error')),
    );
    await event('CLS');
    assert.equal(allEvents().filter((e) => e.name == 'FCP').length, 0, 'FCP dropped');
    assert.equal(
      allErrors().filter((e) => e.message.includes('ignored')).length,
      0,
      'error dropped',
    );
  });

  it('the script-tag build works from data- attributes alone (key, endpoint, keep-query, release)', async () => {
    const page = await open('script-tag.html', '?campaign=spring');
    await settle(page);
    await hide(page);
    const fcp = await event('FCP');
    assert.equal(fcp.url, `${server.pageOrigin}/fixtures/script-tag.html?campaign=spring`);
    // Only this page's beacons: a previous test's page may still flush as its context closes.
    const fromThisPage = accepted().filter((b: Captured) =>
      b.beacon.url.includes('/script-tag.html'),
    );
    assert.ok(fromThisPage.length > 0);
    assert.deepEqual([...new Set(fromThisPage.map((b: Captured) => b.key))], ['pk_tag']);
    assert.deepEqual([...new Set(fromThisPage.map((b: Captured) => b.beacon.release))], ['v1.2.3']);
  });

  /**
   * Opens release.html (npm build) with `query`, then makes it send both kinds of beacon: a
   * live flush (an SPA route change: gzipped fetch) and an unload flush (hidden: sendBeacon).
   * Returns the accepted beacons, at least one of each kind.
   */
  async function releasePageBeacons(query: string): Promise<Captured[]> {
    const page = await open('release.html', query);
    await settle(page);
    await page.evaluate(() => history.pushState({}, '', '/fixtures/release-next'));
    await waitFor('the live flush', () => accepted().some((b) => b.contentEncoding == 'gzip'));
    await hide(page);
    await waitFor('the unload flush', () => accepted().some((b) => b.contentEncoding == undefined));
    return accepted();
  }

  it('the release option goes with every beacon, gzipped or by sendBeacon (npm build)', async () => {
    const beacons = await releasePageBeacons('?release=2024.06.01-build.7');
    assert.deepEqual([...new Set(beacons.map((b) => b.beacon.release))], ['2024.06.01-build.7']);
    assert.ok(allErrors().some((e) => e.message.includes('release page error')));
  });

  it('an over-long release is cut to the contract cap, not refused', async () => {
    const release = 'r'.repeat(LIMITS.release) + '-and-then-some';
    const beacons = await releasePageBeacons(`?release=${release}`);
    // afterEach checks that ingest's schema refused none of them.
    assert.deepEqual(
      [...new Set(beacons.map((b) => b.beacon.release))],
      [release.slice(0, LIMITS.release)],
    );
  });

  it('no release option, or an empty one, sends no release field', async () => {
    for (const query of ['', '?release=']) {
      server.beacons.length = 0;
      const beacons = await releasePageBeacons(query);
      assert.ok(
        beacons.every((b) => !('release' in b.beacon)),
        `release.html${query}: ${JSON.stringify(beacons.map((b) => b.beacon.release))}`,
      );
    }
  });
});
