import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import {
  createLogger,
  createRedis,
  projectRoom,
  redisUnreachableMessage,
  RevokedTokens,
  REVOKED_TOKENS_POLL_MS,
  SOCKET_IO_REDIS_KEY,
  type ClientToServerEvents,
  type Logger,
  type Redis,
  type ServerToClientEvents,
} from '@rum/shared';
import { checkHandshake, type LiveSocketData } from './auth.ts';
import { createHealthHandler, createLiveMetrics } from './health.ts';

export { UNAUTHORIZED_CODE } from './auth.ts';

/** Clients only listen, so anything larger than a handshake is abuse. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

export interface LiveServerOptions {
  /** Server to attach to; created (not listening) when omitted. `close()` closes it either way. */
  httpServer?: HttpServer;
  redisUrl: string;
  jwtSecret: string;
  logger?: Logger;
}

/** Instances talk to each other only through Redis, so there are no server-to-server events. */
type InterServerEvents = Record<string, never>;

export type LiveIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  LiveSocketData
>;

export interface LiveServer {
  io: LiveIo;
  httpServer: HttpServer;
  /** Disconnects every client, closes the http server and quits both Redis clients. */
  close(): Promise<void>;
}

/**
 * The live socket.io server: checks the read token at the handshake, puts each socket in
 * its project's room and nothing else, and receives what the workers emit (and what other
 * instances broadcast) through the Redis adapter. Never listens: the caller does.
 * Rejects with a message naming the fix when Redis is not reachable.
 */
export async function createLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const log = options.logger ?? createLogger('websocket');
  const redis = await connectAdapterClients(options.redisUrl, log);
  const isRedisReady = () => redis.pub.status === 'ready' && redis.sub.status === 'ready';

  const metrics = createLiveMetrics();
  const health = createHealthHandler(isRedisReady, metrics);
  let httpServer = options.httpServer;
  if (httpServer) {
    // socket.io hands every non-socket.io request to the listeners present before it attached.
    httpServer.on('request', health);
  } else {
    httpServer = createServer((req, res) => {
      if (!health(req, res))
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    });
  }

  const io: LiveIo = new Server(httpServer, {
    // Tokens travel in the handshake, never in cookies, so any dashboard origin may connect.
    cors: { origin: '*' },
    serveClient: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    adapter: createAdapter(redis.pub, redis.sub, { key: SOCKET_IO_REDIS_KEY }),
  });
  io.of('/').adapter.on('error', (err: Error) =>
    log.warn({ err }, 'socket.io redis adapter error'),
  );

  // A revoked or expired token loses its live feed: at once on the revocation's announcement,
  // and at the latest on the next sweep (a missed announcement, an expiry).
  const revoked = new RevokedTokens(redis.pub);
  const disconnectUnauthorized = (why: (data: LiveSocketData) => boolean) => {
    for (const socket of io.of('/').sockets.values()) {
      if (!why(socket.data)) continue;
      log.info(
        { project: socket.data.project, token: socket.data.tokenId },
        'token no longer valid: live client disconnected',
      );
      socket.disconnect(true);
    }
  };
  revoked.onRevoked((ids) => {
    const set = new Set(ids);
    disconnectUnauthorized((data) => set.has(data.tokenId));
  });
  revoked.start();
  const sweep = setInterval(
    () =>
      disconnectUnauthorized((data) => revoked.has(data.tokenId) || data.expiresAt <= Date.now()),
    REVOKED_TOKENS_POLL_MS,
  );
  sweep.unref();

  io.use((socket, next) => {
    const result = checkHandshake(socket.handshake.auth, options.jwtSecret, (id) =>
      revoked.has(id),
    );
    if (!result.ok) {
      metrics.refusedHandshakes.inc();
      log.info(
        { address: socket.handshake.address, reason: result.error.message },
        'handshake refused',
      );
      next(result.error);
      return;
    }
    socket.data = result.data;
    next();
  });

  io.on('connection', (socket) => {
    const { project } = socket.data;
    // The only room a client is ever in besides its own id; there is no event to join another.
    void socket.join(projectRoom(project));
    metrics.connectedClients.inc();
    log.debug({ project, socket: socket.id }, 'live client connected');
    socket.on('disconnect', (reason) => {
      metrics.connectedClients.dec();
      log.debug({ project, socket: socket.id, reason }, 'live client disconnected');
    });
  });

  const server = httpServer;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweep);
      revoked.close();
      const httpClosed = server.listening ? once(server, 'close') : Promise.resolve();
      await io.close(); // disconnects clients, closes the adapter, then calls server.close()
      server.closeAllConnections();
      await httpClosed;
      await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
    })();
    return closing;
  };
  return { io, httpServer: server, close };
}

/** The adapter's publisher and subscriber, connected before use: they do not queue offline commands. */
async function connectAdapterClients(
  url: string,
  log: Logger,
): Promise<{ pub: Redis; sub: Redis }> {
  const pub = createRedis(url, { lazyConnect: true, connectionName: 'rum-websocket-pub' });
  const sub = createRedis(url, { lazyConnect: true, connectionName: 'rum-websocket-sub' });
  for (const [role, client] of [
    ['pub', pub],
    ['sub', sub],
  ] as const) {
    client.on('error', (err: Error) => log.warn({ err: err.message, role }, 'redis client error'));
  }
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch {
    pub.disconnect();
    sub.disconnect();
    throw new Error(redisUnreachableMessage(url));
  }
  return { pub, sub };
}
