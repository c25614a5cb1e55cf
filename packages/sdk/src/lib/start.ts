import type { BeaconError, BeaconEvent } from '@rum/contract';
import { captureErrors } from './captureErrors.ts';
import { FLUSH_TIMEOUT_MS, MAX_BATCH_EVENTS } from './defaults.ts';
import { detectConnection } from './detectConnection.ts';
import { detectDevice } from './detectDevice.ts';
import { getSession } from './getSession.ts';
import { observeFID } from './observeFID.ts';
import { splitBatch } from './splitBatch.ts';
import { stripUrl } from './stripUrl.ts';
import { toBeaconEvent } from './toBeaconEvent.ts';
import { transport } from './transport.ts';
import type { Attribute, BeforeSend, MetricLike, Options, Reporter } from './types.ts';
import { watchRoute } from './watchRoute.ts';

/**
 * Wires everything for one page: session and sampling, metric reporters, errors, the
 * batch queue and its flush triggers, SPA route changes. Does nothing when the session is
 * sampled out or no key is given. `beforeSend` falls back to a `window.rumBeforeSend`
 * global, which is how script-tag users set it.
 */
export function start(options: Options, reporters: Reporter[], attribute?: Attribute): void {
  const sid = getSession(options.sampleRate);
  if (!sid || !options.key) return;
  const endpoint =
    (options.endpoint || '').replace(/\/+$/, '') +
    '/v1/collect?key=' +
    encodeURIComponent(options.key);
  const device = detectDevice();
  const firstSeen = new Map<string, number>();
  const seenErrors = new Set<string>();
  const queue: (BeaconEvent | BeaconError)[] = [];
  let url = stripUrl(location.href, options.keepQuery);
  let navigationType: MetricLike['navigationType'];
  let timer: ReturnType<typeof setTimeout> | 0 = 0;

  const flush = (unload?: boolean) => {
    // A pending timer may still fire: it then flushes newer items a little early, harmless.
    timer = 0;
    // An empty queue (or one holding only stale items) gives no body.
    for (const body of splitBatch(
      { sid, url, release: options.release, device, connection: detectConnection() },
      queue.splice(0),
    )) {
      void transport(endpoint, body, unload);
    }
  };

  const add = (item: BeaconEvent | BeaconError) => {
    const hook =
      options.beforeSend || (window as Window & { rumBeforeSend?: BeforeSend }).rumBeforeSend;
    const kept = hook ? hook(item) : item;
    if (!kept) return;
    // A re-report of a metric still queued replaces it: one row per metric id and batch.
    const i = queue.findIndex((queued) => 'id' in queued && queued.id == (kept as BeaconEvent).id);
    if (i >= 0) queue.splice(i, 1);
    if (queue.push(kept) >= MAX_BATCH_EVENTS) flush();
    else timer ||= setTimeout(flush, FLUSH_TIMEOUT_MS);
  };

  const onMetric = (metric: MetricLike) => {
    // FID has no navigation type of its own: it shares the page's, as web-vitals saw it.
    navigationType = metric.navigationType ||= navigationType;
    add(toBeaconEvent(metric, firstSeen, attribute));
  };
  for (const on of reporters) on(onMetric);
  observeFID(onMetric);
  captureErrors(add, seenErrors);

  watchRoute(() => {
    const next = stripUrl(location.href, options.keepQuery);
    if (next != url) {
      // What was measured so far belongs to the old path.
      flush();
      url = next;
      seenErrors.clear();
    }
  });

  // On `document`, not `window`: web-vitals reports CLS and INP from a capturing listener
  // on window, which runs before this one, so they are in the queue when it flushes.
  document.addEventListener(
    'visibilitychange',
    () => document.visibilityState == 'hidden' && flush(true),
  );
  // Safari does not always fire visibilitychange on unload (https://webkit.org/b/151234).
  addEventListener('pagehide', () => flush(true));
}
