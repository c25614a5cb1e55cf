/** The query API's public entry point: build the app (it never listens; `server.ts` does). */
export { buildApp, queryApi, type BuildAppOptions, type QueryApiOptions } from './app.ts';
