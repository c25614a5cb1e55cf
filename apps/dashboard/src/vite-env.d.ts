/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_QUERY_API_URL?: string;
  readonly VITE_WEBSOCKET_URL?: string;
  readonly VITE_QUERY_API_PORT?: string;
  readonly VITE_WEBSOCKET_PORT?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
