import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  LiveError,
  LiveEvent,
  ServerToClientEvents,
} from '@rum/contract';
import { env } from '../../../config/env.ts';
import { useSession } from '../../../lib/session-context.tsx';
import type { Session } from '../../../lib/session.ts';

export type LiveStatus = 'connecting' | 'live' | 'offline' | 'refused';

export interface LiveHandlers {
  onStatus: (status: LiveStatus, reason?: string) => void;
  onEvents: (events: LiveEvent[], committed: number) => void;
  onErrors: (errors: LiveError[]) => void;
}

/**
 * Connects to the websocket service with the read token; the server puts the socket in its
 * project's room. Returns the function that disconnects.
 */
export function getLiveFeed(session: Session, handlers: LiveHandlers): () => void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(env.websocketUrl, {
    auth: { token: session.token },
    transports: ['websocket', 'polling'],
  });
  handlers.onStatus('connecting');
  socket.on('connect', () => handlers.onStatus('live'));
  socket.on('disconnect', () => handlers.onStatus('offline'));
  socket.on('connect_error', (err) => {
    // A refused handshake (bad token) is final; socket.io stops retrying by itself.
    handlers.onStatus(socket.active ? 'offline' : 'refused', err.message);
  });
  socket.on('metrics', (update) => handlers.onEvents(update.recent, update.events));
  socket.on('errors', (update) => handlers.onErrors(update.errors));
  return () => {
    socket.removeAllListeners();
    socket.disconnect();
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
  const session = useSession();
  const [state, setState] = useState<LiveFeedState>({
    status: 'connecting',
    items: [],
    received: 0,
  });
  useEffect(
    () =>
      getLiveFeed(session, {
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
    [session],
  );
  return state;
}
