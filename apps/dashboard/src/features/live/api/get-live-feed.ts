import { useEffect, useState } from 'react';
import type { LiveError, LiveErrorsUpdate, LiveEvent, LiveMetricsUpdate } from '@rum/contract';
import { useLiveSocket, type LiveSocket } from '../../../lib/live-socket.tsx';

export type LiveStatus = 'connecting' | 'live' | 'offline' | 'refused';

export interface LiveHandlers {
  onStatus: (status: LiveStatus, reason?: string) => void;
  onEvents: (events: LiveEvent[], committed: number) => void;
  onErrors: (errors: LiveError[]) => void;
}

/**
 * Follows the tab's socket: its connection status, and the project's events and errors as the
 * workers commit them. Returns the function that stops following (the socket stays open).
 */
export function getLiveFeed(socket: LiveSocket, handlers: LiveHandlers): () => void {
  const onConnect = () => handlers.onStatus('live');
  const onDisconnect = () => handlers.onStatus('offline');
  // A refused handshake (bad token) is final; socket.io stops retrying by itself.
  const onConnectError = (err: Error) =>
    handlers.onStatus(socket.active ? 'offline' : 'refused', err.message);
  const onMetrics = (update: LiveMetricsUpdate) => handlers.onEvents(update.recent, update.events);
  const onErrors = (update: LiveErrorsUpdate) => handlers.onErrors(update.errors);
  handlers.onStatus(socket.connected ? 'live' : 'connecting');
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  socket.on('metrics', onMetrics);
  socket.on('errors', onErrors);
  return () => {
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onConnectError);
    socket.off('metrics', onMetrics);
    socket.off('errors', onErrors);
  };
}

/** Most recent items kept on screen. */
export const LIVE_FEED_LIMIT = 50;

export interface LiveFeedItem {
  key: string;
  kind: 'metric' | 'error';
  event?: LiveEvent;
  error?: LiveError;
  /** Epoch ms it arrived in the browser. */
  receivedAt: number;
}

export interface LiveFeedState {
  status: LiveStatus;
  reason?: string;
  items: LiveFeedItem[];
  /** Events committed since the page opened (includes those not listed in `recent`). */
  received: number;
}

let sequence = 0;

/** Live events and errors for the signed-in project, newest first. */
export function useLiveFeed(): LiveFeedState {
  const socket = useLiveSocket();
  const [state, setState] = useState<LiveFeedState>({
    status: 'connecting',
    items: [],
    received: 0,
  });
  useEffect(
    () =>
      getLiveFeed(socket, {
        onStatus: (status, reason) =>
          setState((s) => ({ ...s, status, ...(reason ? { reason } : {}) })),
        onEvents: (events, committed) => {
          const receivedAt = Date.now();
          const items = events.map((event): LiveFeedItem => ({
            key: `m${++sequence}`,
            kind: 'metric',
            event,
            receivedAt,
          }));
          setState((s) => ({
            ...s,
            received: s.received + committed,
            items: [...items, ...s.items].slice(0, LIVE_FEED_LIMIT),
          }));
        },
        onErrors: (errors) => {
          const receivedAt = Date.now();
          const items = errors.map((error): LiveFeedItem => ({
            key: `e${++sequence}`,
            kind: 'error',
            error,
            receivedAt,
          }));
          setState((s) => ({ ...s, items: [...items, ...s.items].slice(0, LIVE_FEED_LIMIT) }));
        },
      }),
    [socket],
  );
  return state;
}
