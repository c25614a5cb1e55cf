/** The live server's public entry point: create it (it never listens; `server.ts` does). */
export {
  createLiveServer,
  UNAUTHORIZED_CODE,
  type LiveServer,
  type LiveServerOptions,
} from './app.ts';
