import { binValue, type MetricName } from '@rum/contract';

/** percentile_cont's definition: linear interpolation between the two closest ranks. */
export function percentileCont(sorted: number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Percentile read from bin counts: the value of the bin holding the p-th sample. */
export function percentileFromBins(
  bins: { bin: number; samples: number }[],
  p: number,
  name: MetricName,
): number {
  const total = bins.reduce((sum, b) => sum + b.samples, 0);
  let seen = 0;
  for (const b of bins) {
    seen += b.samples;
    if (seen >= p * total) return binValue(name, b.bin);
  }
  throw new Error('empty');
}
