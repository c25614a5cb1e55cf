/** Names that two processes must agree on: queues, Redis keys, socket.io rooms and events. */

/** Bull queue that carries {@link CollectJob}s from ingest-api to the workers. */
export const COLLECT_QUEUE = 'rum-collect';

/** Redis key prefix under which Bull keeps its queues. */
export const BULL_PREFIX = 'rum:bull';

/** Redis hash of every ingest key: field = key, value = the project's `IngestProject` JSON. */
export const INGEST_KEYS_HASH = 'rum:ingest-keys';

/**
 * Marker field of a Redis hash that copies database state ({@link INGEST_KEYS_HASH}, the
 * revoked tokens), set once the copy is whole; no key or token id starts with `~`.
 */
export const PUBLISHED_FIELD = '~published';

/**
 * A project's slug: its name in URLs (`/v1/projects/:project/...`), tokens, rooms and cache
 * keys. Lower-case letters, digits and dashes, at most 63 characters, not starting with a
 * dash. db/ checks the same rule in SQL (`projects.slug`).
 */
export const PROJECT_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** socket.io room of one project; the websocket service lets a client join only its token's. */
export function projectRoom(project: string): string {
  return `project:${project}`;
}

/** Key prefix used by the socket.io Redis adapter and emitter (their default). */
export const SOCKET_IO_REDIS_KEY = 'socket.io';

/** Redis hash of the revoked read tokens' ids (value: the token's expiry, epoch ms). */
export const REVOKED_TOKENS_HASH = 'rum:revoked-tokens';

/** Redis pub/sub channel: one message (the token id) per revocation. */
export const TOKEN_REVOKED_CHANNEL = 'rum:token-revoked';

/** File, in the data folder, where a running embedded TimescaleDB says where it listens. */
export const EMBEDDED_STATE_FILE = 'embedded.json';

/** What {@link EMBEDDED_STATE_FILE} holds. */
export interface EmbeddedState {
  url: string;
  pid: number;
}
