/**
 * Revoked read tokens. The database (`read_tokens.revoked_at`) is the source of truth; Redis
 * holds a copy every query-api and websocket instance reads: a hash of revoked ids (value: the
 * token's expiry, after which it needs no list) with a marker field set by complete
 * publications, plus a channel that announces each revocation at once. The workers republish
 * the hash from the database when Redis has lost it.
 */
import type { Redis } from 'ioredis';
import type { Pool } from './db.ts';
import { PUBLISHED_FIELD, REVOKED_TOKENS_HASH, TOKEN_REVOKED_CHANNEL } from '@rum/contract';
/** How often instances reread the whole list, in case a message was missed. */
export const REVOKED_TOKENS_POLL_MS = 2000;

/** Adds one revoked token to the copy and announces it, in one transaction. */
export async function publishRevokedToken(
  redis: Redis,
  id: string,
  expiresAt: number,
): Promise<void> {
  const results = await redis
    .multi()
    .hset(REVOKED_TOKENS_HASH, id, String(expiresAt))
    .publish(TOKEN_REVOKED_CHANNEL, id)
    .exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw failed?.[0] ?? new Error('publishing the revocation was aborted');
}

export async function revokedTokensPublished(redis: Redis): Promise<boolean> {
  return (await redis.hexists(REVOKED_TOKENS_HASH, PUBLISHED_FIELD)) === 1;
}

/** Publishes every revoked, unexpired token from the database, with the marker. */
export async function syncRevokedTokens(pool: Pool, redis: Redis): Promise<number> {
  const { rows } = await pool.query<{ id: string; expires_at: Date }>(
    'SELECT id, expires_at FROM read_tokens WHERE revoked_at IS NOT NULL AND expires_at > now()',
  );
  const fields: Record<string, string> = { [PUBLISHED_FIELD]: new Date().toISOString() };
  for (const row of rows) fields[row.id] = String(row.expires_at.getTime());
  await redis.hset(REVOKED_TOKENS_HASH, fields);
  return rows.length;
}

/**
 * The revoked token ids, kept in memory and current within {@link REVOKED_TOKENS_POLL_MS}
 * (at once when the announcement arrives). Ids are only ever added: a revocation seen once is
 * never forgotten, even while Redis has lost its copy, until the token has expired anyway.
 */
export class RevokedTokens {
  readonly #expiries = new Map<string, number>();
  readonly #listeners = new Set<(ids: string[]) => void>();
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  #timer: NodeJS.Timeout | undefined;

  /** `redis` answers commands; a duplicate of it subscribes to the channel. */
  constructor(redis: Redis) {
    this.#redis = redis;
    // Queues SUBSCRIBE until connected; ioredis subscribes again after every reconnect.
    this.#subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.#subscriber.on('error', () => {});
    this.#subscriber.on('message', (_channel: string, id: string) => this.#add([[id, Infinity]]));
  }

  /** Subscribes and loads the list; does not wait for Redis if it is away (polling catches up). */
  start(): void {
    void this.#subscriber.subscribe(TOKEN_REVOKED_CHANNEL).catch(() => {});
    void this.reload();
    this.#timer = setInterval(() => void this.reload(), REVOKED_TOKENS_POLL_MS);
    this.#timer.unref();
  }

  has(id: string): boolean {
    return this.#expiries.has(id);
  }

  /** Calls `listener` with the ids newly revoked. */
  onRevoked(listener: (ids: string[]) => void): void {
    this.#listeners.add(listener);
  }

  /** Rereads the whole list from Redis; keeps what it had when Redis does not answer. */
  async reload(): Promise<void> {
    let all: Record<string, string>;
    try {
      all = await this.#redis.hgetall(REVOKED_TOKENS_HASH);
    } catch {
      return;
    }
    const now = Date.now();
    for (const [id, expiresAt] of this.#expiries) if (expiresAt <= now) this.#expiries.delete(id);
    this.#add(
      Object.entries(all)
        .filter(([id]) => id !== PUBLISHED_FIELD)
        .map(([id, expiresAt]) => [id, Number(expiresAt)] as const),
    );
  }

  #add(entries: Iterable<readonly [string, number]>): void {
    const added: string[] = [];
    for (const [id, expiresAt] of entries) {
      const known = this.#expiries.get(id);
      if (known === undefined) added.push(id);
      // An announcement carries no expiry (Infinity); the next reload brings the real one.
      if (known === undefined || known === Infinity) this.#expiries.set(id, expiresAt);
    }
    if (added.length > 0) for (const listener of this.#listeners) listener(added);
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#subscriber.disconnect();
  }
}
