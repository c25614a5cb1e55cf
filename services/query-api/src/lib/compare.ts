/**
 * `compare=previous`: the same question asked of the window of equal length that ends where
 * this one starts, and each group's change from it.
 */
import type { Change, Compared, GroupStats } from '@rum/contract';
import type { TimeWindow } from '@rum/server-kit/aggregates';

/** The window of the same length just before `w`, answered from the same kind of source. */
export function previousWindow(w: TimeWindow): TimeWindow {
  const span = w.to.getTime() - w.from.getTime();
  return { from: new Date(w.from.getTime() - span), to: w.from, source: w.source };
}

/** p75 now minus p75 then, good share now minus good share then; null where a side has no samples. */
export function changeOf(now: GroupStats, then: GroupStats | null): Change {
  if (!then || then.count === 0 || now.count === 0) return { p75: null, good: null };
  return {
    p75: now.p75 !== null && then.p75 !== null ? now.p75 - then.p75 : null,
    good: now.shares.good - then.shares.good,
  };
}

/** The previous figures of a group (without their own comparison) and the change from them. */
export function compared(now: GroupStats, then: GroupStats | undefined): Required<Compared> {
  const previous =
    then && then.count > 0
      ? { count: then.count, p75: then.p75, rating: then.rating, shares: then.shares }
      : null;
  return { previous, change: changeOf(now, previous) };
}

/** Each row of `now` with its match in `then` (by `keyOf`) compared. */
export function compareRows<T extends GroupStats>(
  now: readonly T[],
  then: readonly T[],
  keyOf: (row: T) => string,
): Array<T & Required<Compared>> {
  const before = new Map(then.map((row) => [keyOf(row), row]));
  return now.map((row) => ({ ...row, ...compared(row, before.get(keyOf(row))) }));
}
