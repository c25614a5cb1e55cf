import { CORE_WEB_VITALS, type ReleaseMetric, type ReleaseRow } from '@rum/contract';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { formatCount, formatMetric, formatP75Change, formatTime } from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { useReleases } from '../api/get-releases.ts';

/**
 * The releases seen in the range, newest first: when each was first seen, its samples, and its
 * LCP, INP and CLS p75 (coloured by rating) with the change from the release before it.
 */
export function ReleasesPanel({ filters }: { filters: Filters }) {
  const query = useReleases(filters);
  return (
    <Panel title="Releases" testId="releases" className="span-2">
      <QueryState
        query={query}
        isEmpty={(d) => d.releases.length === 0}
        emptyMessage="No release in this range. Set the SDK's release option (data-release on the script tag)."
      >
        {(data) => (
          <div className="table-scroll">
            <table
              className="stats-table releases-table phone-grid-rows"
              data-testid="releases-table"
            >
              <thead>
                <tr>
                  <th scope="col">Release</th>
                  <th scope="col">First seen</th>
                  <th scope="col" className="num">
                    Samples
                  </th>
                  {CORE_WEB_VITALS.map((metric) => (
                    <th key={metric} scope="col" className="num">
                      {metric} p75
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.releases.map((row) => (
                  <ReleaseTableRow
                    key={row.release}
                    row={row}
                    selected={row.release === filters.release}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

function ReleaseTableRow({ row, selected }: { row: ReleaseRow; selected: boolean }) {
  return (
    <tr
      className={selected ? 'selected' : undefined}
      data-testid="releases-table-row"
      data-release={row.release}
    >
      <th scope="row" className="group-label" title={row.release}>
        {row.release}
        {row.previous ? <span className="group-detail">vs {row.previous}</span> : null}
      </th>
      <td className="release-first-seen">
        <span className="releases-phone-label">first seen </span>
        <time dateTime={row.firstSeen}>{formatTime(row.firstSeen, true)}</time>
      </td>
      <td className="num release-samples">
        {formatCount(row.samples)}
        <span className="releases-phone-label"> samples</span>
      </td>
      {CORE_WEB_VITALS.map((metric) => {
        const stats = row.metrics.find((m) => m.metric === metric);
        return stats ? <ReleaseMetricCell key={metric} stats={stats} /> : <td key={metric} />;
      })}
    </tr>
  );
}

/** A release's p75 of one metric, coloured by its rating, and its change from the previous release. */
function ReleaseMetricCell({ stats }: { stats: ReleaseMetric }) {
  const { metric, change } = stats;
  const delta = change?.p75 == null ? null : formatP75Change(metric, change.p75);
  return (
    <td className="num release-metric">
      <span className="releases-phone-label">{metric} </span>
      <span
        className={`rating-text-${stats.rating ?? 'none'}`}
        data-testid={`release-p75-${metric}`}
        data-rating={stats.rating ?? 'none'}
      >
        {formatMetric(metric, stats.p75)}
      </span>
      {delta ? (
        <span
          className={`change change-${delta.tone}`}
          data-testid={`release-change-${metric}`}
          title={`${metric} p75 against the previous release`}
        >
          {delta.text}
        </span>
      ) : null}
    </td>
  );
}
