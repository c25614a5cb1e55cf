import type { BeaconEvent } from '@rum/contract';
import type { Attribute, MetricLike } from './types.ts';

/**
 * Maps a web-vitals report to the wire event. `ts` is when this metric id was FIRST
 * reported (remembered in `firstSeen`): CLS and INP are re-reported with the same id and
 * the ingest dedupes on (session, id, ts), keeping the latest value.
 */
export function toBeaconEvent(
  metric: MetricLike,
  firstSeen: Map<string, number>,
  attribute?: Attribute,
): BeaconEvent {
  const { id, name, value, delta, rating, navigationType } = metric;
  if (!firstSeen.has(id)) firstSeen.set(id, Date.now());
  return {
    id,
    name,
    value,
    delta,
    rating,
    // Never 'soft-navigation' (outside the contract): we do not enable web-vitals' reportSoftNavs.
    navigationType: navigationType as BeaconEvent['navigationType'],
    ts: firstSeen.get(id)!,
    attribution: attribute?.(metric),
  };
}
