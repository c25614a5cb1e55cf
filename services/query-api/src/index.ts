/** The query API's public entry point: build the app (it never listens; `server.ts` does). */
export { buildApp, queryApi, type AppOptions } from './app.ts';
