import { PHASES, type PhasedMetric, type PhaseRow } from '@rum/contract';

export interface PhaseSegment {
  phase: string;
  /** The phase's p75 in ms; null when no view of the bar carried it. */
  p75: number | null;
  /** Where the segment starts and how long it is, as fractions of the longer bar. */
  start: number;
  width: number;
}

export interface PhaseBar {
  key: 'all' | 'poor';
  /** Views behind the bar: the most samples any of its phases has. */
  count: number;
  /** The p75s stacked end to end, in ms. */
  total: number;
  segments: PhaseSegment[];
}

/**
 * The two stacked bars of the phases chart, all views and poor views, each phase's p75 laid end
 * to end in time order. Both bars share one scale, the longer bar's total, so they compare by
 * length. A stack of p75s is not the metric's p75 (the slowest views of one phase are not those
 * of another); it shows where the time of a typical slow view goes.
 */
export function stackPhases(metric: PhasedMetric, rows: readonly PhaseRow[]): PhaseBar[] {
  const order: readonly string[] = PHASES[metric];
  const rank = (phase: string) => {
    const i = order.indexOf(phase);
    return i === -1 ? order.length : i;
  };
  const sorted = [...rows].sort((a, b) => rank(a.phase) - rank(b.phase));
  const bars = (['all', 'poor'] as const).map((key) => {
    let end = 0;
    const segments = sorted.map((row) => {
      const p75 = row[key].p75;
      const length = p75 !== null && Number.isFinite(p75) && p75 > 0 ? p75 : 0;
      const segment = { phase: row.phase, p75, start: end, width: length };
      end += length;
      return segment;
    });
    const count = Math.max(0, ...sorted.map((row) => row[key].count));
    return { key, count, total: end, segments };
  });
  const scale = Math.max(...bars.map((b) => b.total));
  if (scale > 0) {
    for (const bar of bars) {
      for (const s of bar.segments) {
        s.start /= scale;
        s.width /= scale;
      }
    }
  }
  return bars;
}
