import type { Range } from '@rum/contract';

/** What `compare=previous` compares a range with: the window of equal length just before it. */
export const PREVIOUS_WINDOW_LABELS: Readonly<Record<Range, string>> = {
  '1h': 'previous hour',
  '24h': 'previous 24 hours',
  '7d': 'previous 7 days',
  '28d': 'previous 28 days',
  '30d': 'previous 30 days',
  '90d': 'previous 90 days',
};
