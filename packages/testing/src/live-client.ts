/** socket.io clients of the live server, and waiting for what they receive. */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@rum/contract';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a test waits for something that should happen before it fails (not a timing assertion). */
export const EVENT_TIMEOUT_MS = 10_000;

/** A client that does not reconnect, so a refused handshake ends with one `connect_error`. */
export function openClient(url: string, auth?: Record<string, unknown>): LiveClient {
  return connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(auth ? { auth } : {}),
  });
}

export async function connected(client: LiveClient): Promise<void> {
  if (client.connected) return;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', (err) => reject(err));
    }),
    'connect',
  );
}

/** The first `event` the client receives that satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: LiveClient,
  event: E,
  match: (update: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  type Update = Parameters<ServerToClientEvents[E]>[0];
  let listener: ((update: Update) => void) | undefined;
  const received = new Promise<Update>((resolve) => {
    listener = (update: Update) => {
      if (match(update)) resolve(update);
    };
    // socket.io-client's typed `on` cannot relate a generic E to its listener type.
    (client as unknown as Socket).on(event, listener as never);
  });
  return withTimeout(received, `${event} event`).finally(() => {
    (client as unknown as Socket).off(event, listener as never);
  });
}

export async function withTimeout<T>(
  promise: Promise<T>,
  what: string,
  ms = EVENT_TIMEOUT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
