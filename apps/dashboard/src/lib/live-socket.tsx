import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@rum/contract';
import { env } from '../config/env.ts';
import { useSession } from './session-context.tsx';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const LiveSocketContext = createContext<LiveSocket | null>(null);

/**
 * One socket.io connection per signed-in tab, shared by every panel that listens (the live feed,
 * the alert banner). It authenticates with the read token; the server puts it in the project's
 * room. Panels attach their listeners before it connects (children's effects run first).
 */
export function LiveSocketProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const [socket] = useState<LiveSocket>(() =>
    io(env.websocketUrl, {
      auth: { token: session.token },
      transports: ['websocket', 'polling'],
      autoConnect: false,
    }),
  );
  useEffect(() => {
    socket.connect();
    return () => {
      socket.disconnect();
    };
  }, [socket]);
  return <LiveSocketContext.Provider value={socket}>{children}</LiveSocketContext.Provider>;
}

/** The tab's socket; only rendered below {@link LiveSocketProvider}. */
export function useLiveSocket(): LiveSocket {
  const socket = useContext(LiveSocketContext);
  if (!socket) throw new Error('useLiveSocket() used outside <LiveSocketProvider>');
  return socket;
}
