import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { formatCount, formatTime } from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { useErrors } from '../api/get-errors.ts';

/** JavaScript errors grouped by fingerprint, most frequent first, with a sample stack. */
export function ErrorsList({ filters }: { filters: Filters }) {
  const query = useErrors(filters);
  return (
    <Panel title="JavaScript errors" testId="errors">
      <QueryState
        query={query}
        isEmpty={(d) => d.errors.length === 0}
        emptyMessage="No JavaScript errors in this range."
      >
        {(data) => (
          <ul className="errors-list" data-testid="errors-list">
            {data.errors.map((e) => (
              <li key={e.fingerprint} className="error-group" data-testid="error-group">
                <details>
                  <summary>
                    <span className="error-count" data-testid="error-count" title="occurrences">
                      {formatCount(e.count)}×
                    </span>
                    <span className="error-message" data-testid="error-message">
                      {e.message}
                    </span>
                    <span className="error-meta">
                      {formatCount(e.sessions)} session{e.sessions === 1 ? '' : 's'} · last{' '}
                      {formatTime(e.lastSeen, true)}
                    </span>
                  </summary>
                  {e.source ? (
                    <p className="error-source">
                      {e.source}
                      {e.line !== null ? `:${e.line}` : ''}
                      {e.col !== null ? `:${e.col}` : ''}
                    </p>
                  ) : null}
                  {e.sampleStack ? (
                    <pre className="error-stack">{e.sampleStack}</pre>
                  ) : (
                    <p className="muted">No stack trace.</p>
                  )}
                </details>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Panel>
  );
}
