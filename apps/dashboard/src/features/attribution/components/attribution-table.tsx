import type { AttributionGroup, MetricName } from '@rum/contract';
import { SharesBar } from '../../../components/ui/shares-bar.tsx';
import { formatCount, formatMetric, formatShare } from '../../../lib/format.ts';

/** The query API's name for the values beyond the top ones it stores per day. */
const OTHER = '(other)';

interface AttributionTableProps {
  metric: MetricName;
  /** Heading of the first column (Element, Target, ...). */
  keyLabel: string;
  groups: AttributionGroup[];
}

/**
 * Attribution values ranked by the poor views they account for: each one's share of all poor
 * views as a bar, then its p75, samples and good / NI / poor split.
 */
export function AttributionTable({ metric, keyLabel, groups }: AttributionTableProps) {
  return (
    <div className="table-scroll">
      <table className="stats-table why-table phone-grid-rows" data-testid="why-table">
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            <th scope="col" className="poor-share-col">
              Share of poor views
            </th>
            <th scope="col" className="num">
              p75
            </th>
            <th scope="col" className="num why-samples-col">
              Samples
            </th>
            <th scope="col" className="shares-col">
              Good / NI / Poor
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.value} data-testid="why-row">
              <th scope="row" className="group-label why-value" title={g.value}>
                {g.value === OTHER ? (
                  <span className="why-value-text muted" data-testid="why-value">
                    Other values
                  </span>
                ) : (
                  <code className="why-value-text" data-testid="why-value">
                    {g.value}
                  </code>
                )}
              </th>
              <td className="poor-share-col">
                <div className="poor-share">
                  <div
                    className="shares-bar"
                    role="img"
                    aria-label={`${formatShare(g.poorShare)} of poor views`}
                  >
                    <span
                      className="share share-poor"
                      style={{ width: `${Math.min(1, Math.max(0, g.poorShare)) * 100}%` }}
                    />
                  </div>
                  <span className="poor-share-text" data-testid="why-poor-share">
                    {formatShare(g.poorShare)}
                    <span className="muted"> · {formatCount(g.poor)} poor</span>
                  </span>
                </div>
              </td>
              <td className={`num why-p75 rating-text-${g.rating ?? 'none'}`}>
                <span className="why-phone-label">p75 </span>
                {formatMetric(metric, g.p75)}
              </td>
              <td className="num why-samples-col">{formatCount(g.count)}</td>
              <td className="shares-col">
                <SharesBar shares={g.shares} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
