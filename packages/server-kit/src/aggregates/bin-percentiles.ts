/**
 * Percentiles read from histogram bin counts, the way `percentile_cont` reads sorted values:
 * the order statistics at floor and ceil of p x (n - 1), interpolated, each taken as the value
 * of the bin that holds it (the bin where the running count first exceeds its rank).
 */
import { binValue, type MetricName } from '@rum/contract';

/** One group's count, good, poor, and per percentile the bins of its two order statistics. */
export interface RankedRow<K> {
  key: K;
  count: number;
  good: number;
  poor: number;
  /** Per percentile, the bins holding the order statistics at floor and ceil of its rank; null outside the top. */
  bins: number[] | null;
}

/** The ranks of the two order statistics of each percentile, for `count` samples. */
export function orderStatisticRanks(count: number, percentiles: readonly number[]): number[] {
  return percentiles.flatMap((pc) => {
    const rank = pc * (count - 1);
    return [Math.floor(rank), Math.ceil(rank)];
  });
}

/** Per percentile, its value between the values of the bins of its two order statistics. */
export function valuesAtBins(
  name: MetricName,
  count: number,
  bins: readonly number[],
  percentiles: readonly number[],
): number[] {
  return percentiles.map((pc, i) => {
    const rank = pc * (count - 1);
    const lo = binValue(name, bins[2 * i]!);
    const hi = binValue(name, bins[2 * i + 1]!);
    return lo + (hi - lo) * (rank - Math.floor(rank));
  });
}

/** Bytes of one packed entry: the bin (int2) and its samples (int8), big-endian. */
const PACKED_ENTRY_BYTES = 10;

/**
 * SQL of one packed entry of `bin` and `samples` (expressions), as {@link
 * orderStatisticBinsOfPacked} reads it; a bucket's entries are `string_agg`ed into one bytea.
 * The packed rollups' migrations (0021, 0023, 0024) spell the same out, as DDL must.
 */
export const packedEntrySql = (bin: string, samples: string): string =>
  `int2send((${bin})::int2) || int8send((${samples})::int8)`;

/**
 * Per rank of {@link orderStatisticRanks}, the lowest bin whose running count (bins ascending)
 * exceeds it, from `packed`: entries of a packed bin rollup (migration 0021) concatenated, a
 * bin appearing once per bucket and rating it has samples in. What the database computes with a
 * running sum over the bin rollups' rows, here over a dense array of the bins' counts (bins
 * are small integers, a few hundred of them in use per metric).
 */
export function orderStatisticBinsOfPacked(
  packed: Buffer,
  count: number,
  percentiles: readonly number[],
): number[] {
  if (packed.length % PACKED_ENTRY_BYTES !== 0)
    throw new Error(`packed bins of ${packed.length} bytes: not whole (int2, int8) entries`);
  let low = Infinity;
  let high = -Infinity;
  for (let at = 0; at < packed.length; at += PACKED_ENTRY_BYTES) {
    const bin = packed.readInt16BE(at);
    if (bin < low) low = bin;
    if (bin > high) high = bin;
  }
  const counts = new Float64Array(Math.max(high - low + 1, 0));
  for (let at = 0; at < packed.length; at += PACKED_ENTRY_BYTES) {
    // Counts stay far below 2^53: the high word times 2^32 plus the low one is exact.
    counts[packed.readInt16BE(at) - low]! +=
      packed.readInt32BE(at + 2) * 2 ** 32 + packed.readUInt32BE(at + 6);
  }
  const ranks = orderStatisticRanks(count, percentiles);
  const bins: (number | undefined)[] = ranks.map(() => undefined);
  let unresolved = ranks.length;
  let cumulative = 0;
  for (let i = 0; i < counts.length && unresolved > 0; i++) {
    cumulative += counts[i]!;
    ranks.forEach((rank, r) => {
      if (bins[r] === undefined && cumulative > rank) {
        bins[r] = low + i;
        unresolved--;
      }
    });
  }
  if (unresolved > 0) throw new Error(`packed bins hold fewer than the group's ${count} samples`);
  return bins as number[];
}
