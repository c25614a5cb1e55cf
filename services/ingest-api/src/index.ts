/** The ingest API's public entry point: build the app (it never listens; `server.ts` does). */
export { buildApp, ingestApp, type AppOptions } from './app.ts';
export type { BatchOptions } from './plugins/queue.ts';
export { RATE_LIMIT_NAMESPACE } from './routes/collect.ts';
