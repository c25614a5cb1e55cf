/**
 * What every server-side process shares (the Fastify part is `@rum/server-kit/http`). Nothing
 * here has a side effect on import.
 */
export * from './config.ts';
export * from './logger.ts';
export * from './redis.ts';
export * from './with-timeout.ts';
export * from './micro-batcher.ts';
export * from './db.ts';
export * from './migrations.ts';
export * from './tokens.ts';
export * from './ingest-keys.ts';
export * from './revoked-tokens.ts';
export * from './redis-copies.ts';
export * from './projects.ts';
export * from './read-tokens.ts';
export * from './dead-letters.ts';
export * from './domain-errors.ts';
export * from './attribution.ts';
export * from './routes.ts';
export * from './alert-rules.ts';
