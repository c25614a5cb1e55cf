import { randomId } from './randomId.ts';
import type { MetricLike } from './types.ts';

/** web.dev thresholds for FID, in milliseconds: good up to 100, poor above 300. */
const FID_GOOD_MS = 100;
const FID_POOR_MS = 300;

/**
 * First Input Delay from a `first-input` PerformanceObserver. web-vitals v5 dropped FID
 * (INP replaced it in March 2024); we keep it so existing dashboards stay continuous.
 * Browsers without the entry type (Safari) simply never report it. The caller adds the
 * navigation type, which web-vitals already worked out for the other metrics.
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
        rating: value <= FID_GOOD_MS ? 'good' : value <= FID_POOR_MS ? 'needs-improvement' : 'poor',
      });
    });
    observer.observe({ type: 'first-input', buffered: true });
  } catch {
    // PerformanceObserver or the entry type is missing: no FID, nothing else breaks.
  }
}
