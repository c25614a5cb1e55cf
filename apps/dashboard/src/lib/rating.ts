import { rate, type MetricName, type Rating } from '@rum/contract';

/** The web.dev palette: green, amber, red (also the CSS variables in styles.css). */
export const RATING_COLORS: Readonly<Record<Rating, string>> = {
  good: '#0c8f4f',
  'needs-improvement': '#d97706',
  poor: '#d92d20',
};

export const NO_DATA_COLOR = '#94a3b8';

export function ratingColor(rating: Rating | null | undefined): string {
  return rating ? RATING_COLORS[rating] : NO_DATA_COLOR;
}

export function ratingOf(metric: MetricName, value: number | null | undefined): Rating | null {
  return value === null || value === undefined ? null : rate(metric, value);
}
