import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AlertsResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { useLiveSocket } from '../../../lib/live-socket.tsx';
import { useSession } from '../../../lib/session-context.tsx';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';

/**
 * How often the rules' state is asked again: the socket's `alerts` event refreshes it at once,
 * this catches a change missed while the socket was down.
 */
export const ALERTS_REFETCH_INTERVAL_MS = 30_000;

/** The project's alert rules and their current state (`ok` or `firing`). */
export function getAlerts(session: Session, signal?: AbortSignal): Promise<AlertsResponse> {
  return apiGet<AlertsResponse>(session, 'alerts', {}, signal);
}

export function useAlerts() {
  return useProjectQuery('alerts', [], getAlerts, ALERTS_REFETCH_INTERVAL_MS);
}

/**
 * Asks the rules and their history again whenever the workers announce a state change over
 * the socket (`alerts`), so the banner and the markers change without a reload.
 */
export function useLiveAlerts(): void {
  const socket = useLiveSocket();
  const { project } = useSession();
  const queryClient = useQueryClient();
  useEffect(() => {
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: ['alerts', project] });
      void queryClient.invalidateQueries({ queryKey: ['alert-events', project] });
    };
    socket.on('alerts', refresh);
    return () => {
      socket.off('alerts', refresh);
    };
  }, [socket, project, queryClient]);
}
