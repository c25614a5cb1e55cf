import {
  BEACON_BYTES_LIMIT,
  type Beacon,
  type BeaconError,
  type BeaconEvent,
} from '@rum/shared/contract';
import { clipStrings } from './clipStrings.ts';

/**
 * Serialises queued items (metric events and errors, in queue order) into beacon bodies of
 * at most `limit` bytes of UTF-8 each: sendBeacon and keepalive fetch share a 64 KiB budget
 * per page. Strings are clipped to the contract's caps on the way. An oversized batch is
 * halved until each part fits. The queue never holds more than `MAX_BATCH_EVENTS` items,
 * below the contract's per-beacon counts, so only bytes are checked here.
 */
export function splitBatch(
  base: Omit<Beacon, 'events' | 'errors'>,
  items: (BeaconEvent | BeaconError)[],
  limit = BEACON_BYTES_LIMIT,
): string[] {
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
