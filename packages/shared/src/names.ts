/** Names that two processes must agree on: queues, Redis keys, socket.io rooms and events. */

/** Bull queue that carries {@link CollectJob}s from ingest-api to the workers. */
export const COLLECT_QUEUE = 'rum-collect';

/** Redis key prefix under which Bull keeps its queues. */
export const BULL_PREFIX = 'rum:bull';

/** Redis key holding a project's ingest record, keyed by ingest key (written by `rum project create`). */
export function ingestKeyRedisKey(ingestKey: string): string {
  return `rum:ingest-key:${ingestKey}`;
}

/** socket.io room of one project; the websocket service lets a client join only its token's. */
export function projectRoom(project: string): string {
  return `project:${project}`;
}

/** Key prefix used by the socket.io Redis adapter and emitter (their default). */
export const SOCKET_IO_REDIS_KEY = 'socket.io';
