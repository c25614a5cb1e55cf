import type { GroupStats, MetricName } from '@rum/contract';
import { formatCount, formatMetric } from '../../lib/format.ts';
import { SharesBar } from './shares-bar.tsx';

export interface GroupStatsRow extends GroupStats {
  key: string;
  label: string;
  /** A second, quieter line under the label (a page's domain). */
  detail?: string;
  /** The label cell's tooltip; the detail then the label by default (a page's full URL). */
  title?: string;
}

interface GroupStatsTableProps {
  metric: MetricName;
  /** Heading of the first column (Page, Device, ...). */
  groupLabel: string;
  rows: GroupStatsRow[];
  testId?: string;
}

/** Rows of p75, sample count and rating split for groups of samples (pages, devices, ...). */
export function GroupStatsTable({ metric, groupLabel, rows, testId }: GroupStatsTableProps) {
  return (
    <div className="table-scroll">
      <table className="stats-table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{groupLabel}</th>
            <th scope="col" className="num">
              p75
            </th>
            <th scope="col" className="num">
              Samples
            </th>
            <th scope="col" className="shares-col">
              Good / NI / Poor
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-testid={testId ? `${testId}-row` : undefined}>
              <th
                scope="row"
                className="group-label"
                title={row.title ?? (row.detail ? `${row.detail}${row.label}` : row.label)}
              >
                {row.label}
                {row.detail ? <span className="group-detail">{row.detail}</span> : null}
              </th>
              <td className={`num rating-text-${row.rating ?? 'none'}`}>
                {formatMetric(metric, row.p75)}
              </td>
              <td className="num">{formatCount(row.count)}</td>
              <td className="shares-col">
                <SharesBar shares={row.shares} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
