import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';

interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** True when the answer holds nothing to show. */
  isEmpty?: (data: T) => boolean;
  emptyMessage?: string;
  /** Height kept while loading, so the layout does not jump. */
  minHeight?: number;
  children: (data: T) => ReactNode;
}

/** Loading, error and empty states shared by every panel; renders `children` with the data otherwise. */
export function QueryState<T>({
  query,
  isEmpty,
  emptyMessage = 'No data for these filters yet.',
  minHeight = 120,
  children,
}: QueryStateProps<T>) {
  if (query.isPending) {
    return (
      <div
        className="state state-loading"
        style={{ minHeight }}
        data-testid="state-loading"
        role="status"
      >
        <span className="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  }
  if (query.isError) {
    return (
      <div
        className="state state-error"
        style={{ minHeight }}
        data-testid="state-error"
        role="alert"
      >
        <p>{query.error.message}</p>
        <button type="button" onClick={() => void query.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  if (isEmpty?.(query.data)) {
    return (
      <div className="state state-empty" style={{ minHeight }} data-testid="state-empty">
        {emptyMessage}
      </div>
    );
  }
  return <>{children(query.data)}</>;
}
