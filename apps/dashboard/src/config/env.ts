/**
 * The dashboard's environment, read and checked once. Both URLs default to the host the
 * dashboard was loaded from, on the services' default ports, so the dashboard works when
 * opened from another machine on the network; `VITE_QUERY_API_URL` / `VITE_WEBSOCKET_URL`
 * override them at build time (behind a reverse proxy, for example).
 */

const DEFAULT_QUERY_PORT = 4001;
const DEFAULT_WEBSOCKET_PORT = 4500;

export interface DashboardEnv {
  /** Origin (and optional base path) of the query API, no trailing slash. */
  queryApiUrl: string;
  /** URL of the socket.io server. */
  websocketUrl: string;
}

function readUrl(name: string, value: string | undefined, fallback: string): string {
  const raw = value?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

function defaultUrl(port: number): string {
  const { protocol, hostname } = window.location;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return `${protocol === 'https:' ? 'https:' : 'http:'}//${host}:${port}`;
}

export const env: DashboardEnv = {
  queryApiUrl: readUrl('VITE_QUERY_API_URL', import.meta.env.VITE_QUERY_API_URL, defaultUrl(DEFAULT_QUERY_PORT)),
  websocketUrl: readUrl('VITE_WEBSOCKET_URL', import.meta.env.VITE_WEBSOCKET_URL, defaultUrl(DEFAULT_WEBSOCKET_PORT)),
};
