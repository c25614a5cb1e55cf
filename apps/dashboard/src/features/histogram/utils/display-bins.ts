import {
  METRIC_UNITS,
  rate,
  type HistogramBucket,
  type MetricName,
  type Rating,
  type Thresholds,
} from '@rum/contract';

export interface DisplayBin {
  /** Category label of the bar (its lower edge). */
  label: string;
  from: number;
  /** Infinity for the overflow bar. */
  to: number;
  count: number;
  rating: Rating;
}

/** Bars up to this multiple of the "poor" threshold; the rest goes into one overflow bar. */
const RANGE_MULTIPLE = 2;
const MIN_BARS = 24;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Equal-width bars whose edges fall exactly on both thresholds, so the threshold lines sit
 * between bars. Width: the greatest common divisor of the two thresholds, halved until
 * there are at least {@link MIN_BARS} bars up to twice the "poor" threshold.
 */
export function barWidth(thresholds: Thresholds, metric: MetricName): number {
  const scale = METRIC_UNITS[metric] === 'score' ? 10_000 : 1;
  let width = gcd(Math.round(thresholds.good * scale), Math.round(thresholds.poor * scale)) / scale;
  while ((RANGE_MULTIPLE * thresholds.poor) / width < MIN_BARS) width /= 2;
  return width;
}

/**
 * Re-bins the query API's log-spaced buckets into equal-width bars for display. A bucket
 * wider than a bar (the high ones are about 22% wide) is spread over the bars it overlaps in
 * proportion to the overlap, as if its samples were uniform inside it; giving each bucket to
 * one bar left empty bars between full ones. Bars get whole counts by rounding the running
 * total, so the bars add up to exactly the samples received.
 */
export function toDisplayBins(
  metric: MetricName,
  thresholds: Thresholds,
  buckets: HistogramBucket[],
  label: (v: number) => string,
): DisplayBin[] {
  const width = barWidth(thresholds, metric);
  const n = Math.round((RANGE_MULTIPLE * thresholds.poor) / width);
  const bins: DisplayBin[] = Array.from({ length: n + 1 }, (_, i) => {
    const from = i * width;
    const to = i === n ? Infinity : (i + 1) * width;
    return {
      label: i === n ? `≥ ${label(from)}` : label(from),
      from,
      to,
      count: 0,
      rating: rate(metric, from + width / 2),
    };
  });
  const shares = new Array<number>(n + 1).fill(0);
  for (const { from, to, count } of buckets) {
    if (count === 0) continue;
    const first = Math.min(n, Math.floor(from / width));
    const last = Math.min(n, Math.floor(to / width));
    if (first === last || to <= from) {
      shares[first]! += count;
      continue;
    }
    for (let i = first; i <= last; i++) {
      const overlap =
        Math.min(to, i === n ? Infinity : (i + 1) * width) - Math.max(from, i * width);
      if (overlap > 0) shares[i]! += (count * overlap) / (to - from);
    }
  }
  let running = 0;
  shares.forEach((share, i) => {
    const before = Math.round(running);
    running += share;
    bins[i]!.count = Math.round(running) - before;
  });
  // Drop the empty overflow bar: it only widens the axis.
  if (bins[n]!.count === 0) bins.pop();
  return bins;
}

/** Label of the bar whose lower edge is `value` (where a threshold line is drawn). */
export function labelAt(bins: DisplayBin[], value: number): string | undefined {
  return bins.find((b) => Math.abs(b.from - value) < 1e-9)?.label;
}
