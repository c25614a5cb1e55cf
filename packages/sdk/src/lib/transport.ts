import { MAX_RETRIES, MAX_RETRY_DELAY_MS } from './defaults.ts';
import { gzip } from './gzip.ts';
import { retryDelay } from './retryDelay.ts';

/**
 * Sends one beacon body.
 *
 * On unload (`unload` true) only `sendBeacon` is reliable: the browser keeps it alive after
 * the page is gone. A string body goes as `text/plain;charset=UTF-8`, a CORS-safelisted type,
 * so no preflight is needed. When sendBeacon refuses (its per-page queue is full) a keepalive
 * fetch is tried.
 *
 * Otherwise the page is alive: gzip with CompressionStream (asynchronous, which is why it
 * is never used on unload) and fetch, retrying 408, 429 and 5xx as `Retry-After` asks.
 */
export async function transport(
  url: string,
  body: string,
  unload?: boolean,
  attempt = 0,
): Promise<void> {
  if (unload && navigator.sendBeacon?.(url, body)) return;
  const zip = !unload && self.CompressionStream;
  try {
    const { status, headers } = await fetch(url, {
      method: 'POST',
      // A string body is sent as text/plain;charset=UTF-8; the untyped gzip Blob needs the header.
      body: zip ? await gzip(body) : body,
      keepalive: true,
      headers: zip ? { 'content-encoding': 'gzip', 'content-type': 'text/plain' } : {},
    });
    const wait = retryDelay(headers.get('retry-after'), attempt);
    // Also after an unload fallback fetch: the timer simply never fires once the page is gone.
    if (attempt < MAX_RETRIES && /408|429|5../.test('' + status) && wait <= MAX_RETRY_DELAY_MS) {
      setTimeout(transport, wait, url, body, false, attempt + 1);
    }
  } catch {
    // Offline or blocked: monitoring must never throw into the page.
  }
}
