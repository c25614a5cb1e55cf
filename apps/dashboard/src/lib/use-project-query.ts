import { useQuery } from '@tanstack/react-query';
import { REFETCH_INTERVAL_MS } from './query-params.ts';
import { useSession } from './session-context.tsx';
import type { Session } from './session.ts';

/**
 * react-query for one query API question about the signed-in project: cached under
 * `[name, project, ...args]` and refetched on the dashboard's interval (or `refetchIntervalMs`).
 */
export function useProjectQuery<T>(
  name: string,
  args: readonly unknown[],
  fetcher: (session: Session, signal: AbortSignal) => Promise<T>,
  refetchIntervalMs = REFETCH_INTERVAL_MS,
) {
  const session = useSession();
  return useQuery({
    queryKey: [name, session.project, ...args],
    queryFn: ({ signal }) => fetcher(session, signal),
    refetchInterval: refetchIntervalMs,
  });
}
