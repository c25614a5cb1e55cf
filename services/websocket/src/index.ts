/** The live server's public entry point: build the app (it never listens; `server.ts` does). */
export { buildApp, UNAUTHORIZED_CODE, type AppOptions, type LiveIo } from './app.ts';
