/** Debian's Chromium driven by playwright-core (never a downloaded browser), plus waits. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM } from '@rum/testing/chromium';

/** Launches /usr/bin/chromium headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(CHROMIUM);
}

/** Polls `find` until it returns something, or throws after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  find: () => T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Makes the page hidden the way the SDK and web-vitals see a tab switch: visibilityState
 * 'hidden' and a visibilitychange event (web-vitals reports CLS, INP and LCP then).
 */
export async function hide(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/**
 * Waits until the page has painted and the browser has gone idle once: web-vitals reports
 * FCP from an observer callback, only then starts CLS, and processes interactions for INP
 * in idle callbacks. A real user never switches tabs sooner than that.
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => performance.getEntriesByName('first-contentful-paint').length > 0,
  );
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestIdleCallback(() => requestIdleCallback(() => resolve(), { timeout: 1000 }), {
          timeout: 1000,
        }),
      ),
  );
}
