import type { Beacon } from './beacon.ts';

/** What ingest-api puts on the collect queue: a validated beacon plus what only the server knows. */
export interface CollectJob {
  projectId: number;
  /** Project slug: the socket.io room and the cache namespace. */
  project: string;
  /** Epoch ms at which ingest accepted the beacon. */
  receivedAt: number;
  /** Raw User-Agent header; parsed by the workers, never stored. */
  userAgent?: string;
  /** ISO 3166-1 alpha-2 country from the trusted proxy header, when configured and present. */
  country?: string;
  beacon: Beacon;
}
