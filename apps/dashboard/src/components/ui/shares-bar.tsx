import type { RatingShares } from '@rum/contract';
import { formatShare } from '../../lib/format.ts';

/** The good / needs improvement / poor split as one stacked bar. */
export function SharesBar({ shares, testId }: { shares: RatingShares; testId?: string }) {
  const parts = [
    { key: 'good', label: 'Good', value: shares.good },
    { key: 'needs-improvement', label: 'Needs improvement', value: shares.needsImprovement },
    { key: 'poor', label: 'Poor', value: shares.poor },
  ];
  return (
    <div className="shares" data-testid={testId}>
      <div
        className="shares-bar"
        role="img"
        aria-label={parts.map((p) => `${p.label} ${formatShare(p.value)}`).join(', ')}
      >
        {parts.map((p) =>
          p.value > 0 ? (
            <span
              key={p.key}
              className={`share share-${p.key}`}
              style={{ width: `${p.value * 100}%` }}
            />
          ) : null,
        )}
      </div>
      <div className="shares-legend">
        {parts.map((p) => (
          <span
            key={p.key}
            className={`legend legend-${p.key}`}
            data-testid={testId ? `${testId}-${p.key}` : undefined}
          >
            {formatShare(p.value)}
          </span>
        ))}
      </div>
    </div>
  );
}
