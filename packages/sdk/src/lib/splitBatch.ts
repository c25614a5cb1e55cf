import { BEACON_BYTES_LIMIT, type Beacon, type BeaconError, type BeaconEvent } from '@rum/contract';
import { clipStrings } from './clipStrings.ts';
import { MAX_SEND_AGE_MS } from './defaults.ts';

/**
 * Serialises queued items (metric events and errors, in queue order) into beacon bodies of
 * at most `limit` bytes of UTF-8 each: sendBeacon and keepalive fetch share a 64 KiB budget
 * per page. Items older than `MAX_SEND_AGE_MS` by the page's clock (the one their `ts` came
 * from) are dropped, as ingest would refuse their whole beacon; no items left, no body.
 * Strings are made storable and clipped to the contract's caps on the way (`clipStrings`).
 * An oversized batch is halved until each part fits. The queue never holds more than
 * `MAX_BATCH_EVENTS` items, below the contract's per-beacon counts, so only bytes are
 * checked here.
 */
export function splitBatch(
  base: Omit<Beacon, 'events' | 'errors'>,
  items: (BeaconEvent | BeaconError)[],
  limit = BEACON_BYTES_LIMIT,
): string[] {
  items = items.filter((item) => Date.now() - item.ts < MAX_SEND_AGE_MS);
  if (!items.length) return [];
  const body = JSON.stringify(
    {
      ...base,
      events: items.filter((item) => 'name' in item),
      errors: items.filter((item) => !('name' in item)),
    },
    clipStrings,
  );
  // One clipped item cannot exceed the limit; never split it further.
  if (items.length < 2 || new Blob([body]).size <= limit) return [body];
  const half = items.length >> 1;
  return [
    ...splitBatch(base, items.slice(0, half), limit),
    ...splitBatch(base, items.slice(half), limit),
  ];
}
