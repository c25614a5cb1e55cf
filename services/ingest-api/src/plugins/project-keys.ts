import fp from 'fastify-plugin';
import { lookupIngestKey, type IngestProject } from '@rum/server-kit';
import { withTimeout } from '@rum/server-kit';
import { unavailable } from '@rum/server-kit/http';
import { notQueued, REDIS_TIMEOUT_MS } from '../lib/not-queued.ts';

/** A project as ingest sees it, with its allowed origins normalised for lookups. */
export interface KnownProject extends IngestProject {
  /** Normalised allowed origins; empty: any origin. */
  origins: ReadonlySet<string>;
}

export interface ProjectKeys {
  /**
   * The project of an ingest key, or null when unknown; rejects with a 503 error when Redis
   * cannot tell (unreachable, or its key set lost and being restored).
   */
  lookup(key: string): Promise<KnownProject | null>;
  /** What the cache knows right now without asking Redis: the project, null (unknown key), or undefined (not cached). */
  cached(key: string): KnownProject | null | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    projectKeys: ProjectKeys;
  }
}

export interface ProjectKeysOptions {
  /**
   * How long a found project is trusted before Redis is asked again: how late a change to it
   * (a rotated key's end of grace, new origins) takes effect.
   */
  ttlMs: number;
  /** How long an unknown key stays unknown (so a stream of bad keys does not hit Redis each time). */
  negativeTtlMs: number;
  /** Most keys cached; the oldest are dropped first. */
  maxEntries: number;
}

export const DEFAULT_PROJECT_KEYS: ProjectKeysOptions = {
  ttlMs: 5_000,
  negativeTtlMs: 5_000,
  maxEntries: 10_000,
};

/** What a 503 asks clients to wait while the workers republish the key set. */
const KEYS_RESTORING_RETRY_AFTER_S = 5;

/** Ingest keys are `pk_` + 32 hex characters; anything far longer is not worth a Redis round trip. */
const MAX_KEY_LENGTH = 256;

/** `https://Example.com/` and `https://example.com` are the same origin. */
export function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

interface Entry {
  project: KnownProject | null;
  expiresAt: number;
}

export default fp<Partial<ProjectKeysOptions>>(
  async (app, options) => {
    const { ttlMs, negativeTtlMs, maxEntries } = { ...DEFAULT_PROJECT_KEYS, ...options };
    const cache = new Map<string, Entry>();
    const inFlight = new Map<string, Promise<KnownProject | null>>();

    const fetch = async (key: string): Promise<KnownProject | null> => {
      let found: IngestProject | null | 'unpublished';
      try {
        found = await withTimeout(
          lookupIngestKey(app.redis, key),
          REDIS_TIMEOUT_MS,
          'ingest key lookup',
        );
      } catch (err) {
        throw notQueued(err);
      }
      if (found === 'unpublished') {
        // Redis lost its data: the workers republish every key from the database within
        // seconds. A 401 now would make the SDK drop the beacon; a 503 makes it retry.
        throw unavailable(
          'ingest keys are being restored; try again in a few seconds',
          undefined,
          KEYS_RESTORING_RETRY_AFTER_S,
        );
      }
      const project = found && {
        ...found,
        origins: new Set(found.allowedOrigins.map(normalizeOrigin)),
      };
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(key, { project, expiresAt: Date.now() + (project ? ttlMs : negativeTtlMs) });
      return project;
    };

    const cached = (key: string): KnownProject | null | undefined => {
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
      const hit = cache.get(key);
      return hit && hit.expiresAt > Date.now() ? hit.project : undefined;
    };

    const lookup = async (key: string): Promise<KnownProject | null> => {
      const hit = cached(key);
      if (hit !== undefined) return hit;
      // Concurrent misses for one key share a single Redis read.
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fetch(key).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    };

    app.decorate('projectKeys', { lookup, cached });
  },
  { name: 'rum-project-keys', dependencies: ['rum-redis'] },
);
