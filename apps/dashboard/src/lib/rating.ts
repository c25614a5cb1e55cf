import type { Rating } from '@rum/contract';

/** The web.dev palette: green, amber, red (also the CSS variables in styles.css). */
export const RATING_COLORS: Readonly<Record<Rating, string>> = {
  good: '#0c8f4f',
  'needs-improvement': '#d97706',
  poor: '#d92d20',
};
