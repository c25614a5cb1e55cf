import type { Beacon } from './beacon.ts';

/** A validated beacon plus what only the server knows, as ingest-api accepted it. */
export interface AcceptedBeacon {
  projectId: number;
  /** Project slug: the socket.io room and the cache namespace. */
  project: string;
  /** Epoch ms at which ingest accepted the beacon. */
  receivedAt: number;
  /** Raw User-Agent header; parsed by the workers, never stored as is. */
  userAgent?: string;
  /** ISO 3166-1 alpha-2 country from the trusted proxy header, when configured and present. */
  country?: string;
  beacon: Beacon;
}

/**
 * Data of one Bull job on {@link COLLECT_QUEUE}: one or more accepted beacons (ingest-api
 * micro-batches concurrent requests into one job). A worker commits a whole job in one
 * transaction, and the idempotency keys make a retried job a no-op.
 */
export interface CollectJob {
  beacons: AcceptedBeacon[];
}

/** Bull options of every collect job: transient failures retry with exponential backoff; failures stay inspectable. */
export const COLLECT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: 1000,
  removeOnFail: false,
} as const;
