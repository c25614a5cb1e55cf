/** Browser-safe part of the contract: types and pure functions, no Node or joi imports. */
export * from './metrics.ts';
export * from './beacon.ts';
export * from './live.ts';
export * from './query.ts';
export type { AcceptedBeacon, CollectJob } from './job.ts';
