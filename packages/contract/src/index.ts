/**
 * The contract between every RUM process and the browser: types, limits, thresholds, error
 * codes and names. Browser-safe: no Node API, no joi (the beacon's joi schema is the
 * `@rum/contract/schema` entry point).
 */
export * from './metrics.ts';
export * from './beacon.ts';
export * from './live.ts';
export * from './query.ts';
export * from './crux.ts';
export * from './job.ts';
export * from './names.ts';
export * from './errors.ts';
export * from './alerts.ts';
