import { METRIC_UNITS, type MetricName, type NavigationType, type Rating } from '@rum/contract';

/**
 * How a metric value is written everywhere on the dashboard (and by the end-to-end test,
 * which compares the cards with the query API): milliseconds below one second, seconds
 * with two decimals above, CLS as a unitless score with three decimals.
 */
export function formatMetric(metric: MetricName, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (METRIC_UNITS[metric] === 'score') return value.toFixed(3);
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Whether a change is an improvement; `same` when it rounds to nothing as written. */
export type Tone = 'better' | 'worse' | 'same';

export interface FormattedChange {
  /** Signed, in the metric's unit: `+340 ms`, `−1.20 s`, `+0.012`, `+5 pts`, `±0 ms`. */
  text: string;
  tone: Tone;
}

const MINUS = '\u2212';

function signed(magnitude: string, sign: number): string {
  return `${sign > 0 ? '+' : sign < 0 ? MINUS : '±'}${magnitude}`;
}

/**
 * A change of a metric's p75 (now minus before), written as {@link formatMetric} writes the
 * value (ms below one second, seconds above, CLS to three decimals) with its sign. A lower p75
 * is better for every metric; a change that rounds to zero as written is `same`.
 */
export function formatP75Change(metric: MetricName, delta: number): FormattedChange {
  const size = Math.abs(delta);
  let magnitude: string;
  let rounded: number;
  if (METRIC_UNITS[metric] === 'score') {
    magnitude = size.toFixed(3);
    rounded = Number(magnitude);
  } else if (Math.round(size) < 1000) {
    rounded = Math.round(size);
    magnitude = `${rounded} ms`;
  } else {
    magnitude = `${(size / 1000).toFixed(2)} s`;
    rounded = size;
  }
  const sign = rounded === 0 ? 0 : Math.sign(delta);
  return { text: signed(magnitude, sign), tone: sign < 0 ? 'better' : sign > 0 ? 'worse' : 'same' };
}

/** A change of the good share (a fraction), in whole percentage points; a higher share is better. */
export function formatGoodShareChange(delta: number): FormattedChange {
  const points = Math.round(Math.abs(delta) * 100);
  const sign = points === 0 ? 0 : Math.sign(delta);
  return {
    text: signed(`${points} pts`, sign),
    tone: sign > 0 ? 'better' : sign < 0 ? 'worse' : 'same',
  };
}

export const NAVIGATION_TYPE_LABELS: Readonly<Record<NavigationType, string>> = {
  navigate: 'Navigate',
  reload: 'Reload',
  'back-forward': 'Back/forward',
  'back-forward-cache': 'Back/forward cache',
  prerender: 'Prerender',
  restore: 'Restore',
};

/** A navigation type as people say it; values the list does not know are shown as sent. */
export function navigationTypeLabel(value: string): string {
  return (NAVIGATION_TYPE_LABELS as Readonly<Record<string, string>>)[value] ?? value;
}

export const RATING_LABELS: Readonly<Record<Rating, string>> = {
  good: 'Good',
  'needs-improvement': 'Needs improvement',
  poor: 'Poor',
};

export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  LCP: 'Largest Contentful Paint',
  INP: 'Interaction to Next Paint',
  CLS: 'Cumulative Layout Shift',
  FCP: 'First Contentful Paint',
  TTFB: 'Time to First Byte',
  FID: 'First Input Delay',
};

/** Hours and minutes (and the day with `withDate`): the ticks of a time axis. */
export function formatAxisTime(time: string | number, withDate: boolean): string {
  return new Date(time).toLocaleString('en-GB', {
    ...(withDate ? { day: '2-digit', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Short time of day for charts and the live feed. */
export function formatTime(iso: string | number, withDate = false): string {
  const date = new Date(iso);
  return date.toLocaleString('en-GB', {
    ...(withDate ? { day: '2-digit', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    ...(withDate ? {} : { second: '2-digit' }),
  });
}
