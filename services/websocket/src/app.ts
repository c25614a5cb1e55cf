/**
 * The live socket.io server, as a service like the others (Fastify: health, metrics, the one
 * error handler and shutdown): socket.io is attached to the app's own HTTP server. It checks the
 * read token at the handshake, puts each socket in its project's room and nothing else, and
 * receives what the workers emit (and what other instances broadcast) through the Redis
 * adapter. A client whose token is revoked or expires is disconnected.
 */
import type { FastifyInstance } from 'fastify';
import { createAdapter } from '@socket.io/redis-adapter';
import { Counter, Gauge } from 'prom-client';
import { Server } from 'socket.io';
import {
  projectRoom,
  SOCKET_IO_REDIS_KEY,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@rum/contract';
import {
  createLogger,
  createRedis,
  redisUnreachableMessage,
  requireJwtSecret,
  REVOKED_TOKENS_POLL_MS,
  RevokedTokens,
  type Config,
  type Logger,
  type Redis,
} from '@rum/server-kit';
import { createServiceApp, health } from '@rum/server-kit/http';
import { checkHandshake, type LiveSocketData } from './auth.ts';

export { UNAUTHORIZED_CODE } from './auth.ts';

/** Clients only listen, so anything larger than a handshake is abuse. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/** Instances talk to each other only through Redis, so there are no server-to-server events. */
type InterServerEvents = Record<string, never>;

export type LiveIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  LiveSocketData
>;

declare module 'fastify' {
  interface FastifyInstance {
    io: LiveIo;
  }
}

export interface AppOptions {
  config: Config;
  logger?: Logger;
}

/** The websocket service as a Fastify instance (with `app.io`), not yet listening. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const jwtSecret = requireJwtSecret(config);
  const log = options.logger ?? createLogger('websocket', config.logLevel);
  const redis = await connectAdapterClients(config.redisUrl, log);
  const app = createServiceApp({ logger: log });
  await app.after();

  const connectedClients = new Gauge({
    name: 'rum_ws_connected_clients',
    help: 'socket.io clients connected to this instance',
    registers: [app.metrics],
  });
  const refusedHandshakes = new Counter({
    name: 'rum_ws_refused_handshakes_total',
    help: 'handshakes refused for a missing, invalid, expired or revoked read token',
    registers: [app.metrics],
  });
  await app.register(health, {
    checks: {
      redis: {
        check: async () => {
          if (redis.pub.status !== 'ready' || redis.sub.status !== 'ready') {
            throw new Error('the adapter clients are not ready');
          }
        },
      },
    },
  });

  // Attached by hand: fastify-socket.io supports Fastify 4 only.
  const io: LiveIo = new Server(app.server, {
    // Tokens travel in the handshake, never in cookies, so any dashboard origin may connect.
    cors: { origin: '*' },
    serveClient: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    adapter: createAdapter(redis.pub, redis.sub, { key: SOCKET_IO_REDIS_KEY }),
  });
  app.decorate('io', io);
  io.of('/').adapter.on('error', (err: Error) =>
    log.warn({ err }, 'socket.io redis adapter error'),
  );

  // A revoked or expired token loses its live feed: at once on the revocation's announcement,
  // and at the latest on the next sweep (a missed announcement, an expiry).
  const revoked = new RevokedTokens(redis.pub);
  const disconnectWhere = (why: (data: LiveSocketData) => boolean) => {
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
    disconnectWhere((data) => set.has(data.tokenId));
  });
  revoked.start();
  const sweep = setInterval(
    () => disconnectWhere((data) => revoked.has(data.tokenId) || data.expiresAt <= Date.now()),
    REVOKED_TOKENS_POLL_MS,
  );
  sweep.unref();

  io.use((socket, next) => {
    const result = checkHandshake(socket.handshake.auth, jwtSecret, (id) => revoked.has(id));
    if (!result.ok) {
      refusedHandshakes.inc();
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
    connectedClients.inc();
    log.debug({ project, socket: socket.id }, 'live client connected');
    socket.on('disconnect', (reason) => {
      connectedClients.dec();
      log.debug({ project, socket: socket.id, reason }, 'live client disconnected');
    });
  });

  // Upgraded connections would keep the HTTP server from closing: end them first.
  app.addHook('preClose', (done) => {
    io.local.disconnectSockets(true);
    io.engine.close();
    done();
  });
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    revoked.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
  });
  return app;
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
