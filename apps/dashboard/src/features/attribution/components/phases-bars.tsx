import type { PhasedMetric } from '@rum/contract';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { formatCount, formatMetric } from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { usePhases } from '../api/get-phases.ts';
import { phaseLabel } from '../utils/attribution-labels.ts';
import { stackPhases, type PhaseBar } from '../utils/stack-phases.ts';

const BAR_LABELS: Readonly<Record<PhaseBar['key'], string>> = {
  all: 'All views',
  poor: 'Poor views',
};

const TITLES: Readonly<Record<PhasedMetric, string>> = {
  LCP: 'LCP subparts at p75',
  INP: 'INP phases at p75',
};

/** Where the time of LCP or INP goes: each part's p75 stacked, all views against poor views. */
export function PhasesBars({ filters, metric }: { filters: Filters; metric: PhasedMetric }) {
  const query = usePhases(filters, metric);
  return (
    <div className="phases" data-testid="phases">
      <h3>{TITLES[metric]}</h3>
      <QueryState
        query={query}
        minHeight={140}
        isEmpty={(d) => d.phases.every((p) => p.all.count === 0)}
        emptyMessage={`No ${metric} sample carried its ${metric === 'LCP' ? 'subparts' : 'phases'} (only the SDK's attribution build sends them).`}
      >
        {(data) => {
          const bars = stackPhases(data.metric, data.phases);
          const phases = bars[0]?.segments.map((s) => s.phase) ?? [];
          return (
            <>
              <div className="phase-bars">
                {bars.map((bar) => (
                  <div key={bar.key} className="phase-row" data-testid={`phases-${bar.key}`}>
                    <div className="phase-row-label">
                      <span>{BAR_LABELS[bar.key]}</span>
                      <span className="muted">
                        {bar.count === 0
                          ? 'none'
                          : `${formatCount(bar.count)} views · ${formatMetric(metric, bar.total)}`}
                      </span>
                    </div>
                    <div
                      className="phase-bar"
                      role="img"
                      aria-label={`${BAR_LABELS[bar.key]}: ${bar.segments
                        .map((s) => `${phaseLabel(s.phase)} ${formatMetric(metric, s.p75)}`)
                        .join(', ')}`}
                    >
                      {bar.segments.map((s, i) =>
                        s.width > 0 ? (
                          <span
                            key={s.phase}
                            className={`phase-segment phase-${i}`}
                            style={{ left: `${s.start * 100}%`, width: `${s.width * 100}%` }}
                            title={`${phaseLabel(s.phase)}: ${formatMetric(metric, s.p75)}`}
                          />
                        ) : null,
                      )}
                    </div>
                  </div>
                ))}
              </div>
              <table className="stats-table phase-legend" data-testid="phases-legend">
                <thead>
                  <tr>
                    <th scope="col">{metric === 'LCP' ? 'Subpart' : 'Phase'}</th>
                    <th scope="col" className="num">
                      All
                    </th>
                    <th scope="col" className="num">
                      Poor
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {phases.map((phase, i) => (
                    <tr key={phase} data-testid={`phase-${phase}`}>
                      <th scope="row">
                        <span className={`phase-swatch phase-${i}`} aria-hidden="true" />
                        {phaseLabel(phase)}
                      </th>
                      {bars.map((bar) => (
                        <td key={bar.key} className="num" data-testid={`phase-${phase}-${bar.key}`}>
                          {formatMetric(metric, bar.segments[i]?.p75)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="why-note">
                Each part's own p75, laid end to end: the parts of one view add up to its {metric},
                their p75s need not add up to the {metric} p75.
              </p>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
