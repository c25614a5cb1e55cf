/**
 * The Fastify half of the server kit: one bootstrap, one error vocabulary and handler, and the
 * plugins every service registers the same way (Redis, database, health, Prometheus).
 */
export * from './bootstrap.ts';
export * from './service-error.ts';
export * from './error-handler.ts';
export * from './metrics.ts';
export * from './redis.ts';
export * from './database.ts';
export * from './health.ts';
