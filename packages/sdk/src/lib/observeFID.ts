import { THRESHOLDS } from '@rum/contract';
import { randomId } from './randomId.ts';
import type { MetricLike } from './types.ts';

/**
 * First Input Delay from a `first-input` PerformanceObserver. web-vitals v5 dropped FID
 * (INP replaced it in March 2024); we keep it so existing dashboards stay continuous.
 * Browsers without the entry type (Safari) simply never report it. The caller adds the
 * navigation type, which web-vitals already worked out for the other metrics.
 *
 * The rating reads the contract's thresholds field by field: terser inlines them as literals
 * (the IIFE is byte for byte what it was with local constants), whereas calling `rate()` from
 * the contract would bundle the whole THRESHOLDS table (+88 B gzipped, measured).
 */
export function observeFID(report: (metric: MetricLike) => void): void {
  try {
    const observer = new PerformanceObserver((list) => {
      const entry = list.getEntries()[0] as PerformanceEventTiming | undefined;
      if (!entry) return;
      observer.disconnect();
      const value = entry.processingStart - entry.startTime;
      report({
        id: 'fid-' + randomId(),
        name: 'FID',
        value,
        delta: value,
        rating:
          value <= THRESHOLDS.FID.good
            ? 'good'
            : value <= THRESHOLDS.FID.poor
              ? 'needs-improvement'
              : 'poor',
      });
    });
    observer.observe({ type: 'first-input', buffered: true });
  } catch {
    // PerformanceObserver or the entry type is missing: no FID, nothing else breaks.
  }
}
