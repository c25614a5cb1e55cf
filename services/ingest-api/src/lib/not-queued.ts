import { unavailable } from '@rum/server-kit/http';

/**
 * Longest any Redis step of a request (key lookup, rate limit, queue add) may take before the
 * beacon is answered 503 instead.
 */
export const REDIS_TIMEOUT_MS = 1000;

/** Redis or the queue could not do its part in time: 503 with Retry-After, never a 202. */
export function notQueued(cause: unknown) {
  return unavailable('the beacon could not be queued; try again later', cause);
}
