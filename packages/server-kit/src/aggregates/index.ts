/**
 * The aggregate engine: per-group counts, percentiles and rating shares over a time window,
 * from raw rows or the rollups. One implementation, read by the query API's routes and by the
 * workers' alert evaluation.
 */
export * from './filters.ts';
export * from './group-stats.ts';
export { packRowsSql } from './packed-bins.ts';
export * from './page-loads.ts';
export * from './rollup-catalog.ts';
export * from './sql-identifiers.ts';
export * from './sql-params.ts';
export * from './window.ts';
