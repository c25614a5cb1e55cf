/**
 * The dashboard's environment, read and checked once. Both URLs default to the host the
 * dashboard was loaded from, on the services' ports (4001 and 4500, or `VITE_QUERY_API_PORT`
 * / `VITE_WEBSOCKET_PORT`, which `rum start` sets from QUERY_PORT / WS_PORT), so the
 * dashboard works when opened from another machine on the network. `VITE_QUERY_API_URL` /
 * `VITE_WEBSOCKET_URL` replace them whole (behind a reverse proxy, for example). Vite inlines
 * these at build time (or when the dev server starts).
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

function readPort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}

function defaultUrl(port: number): string {
  const { protocol, hostname } = window.location;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return `${protocol === 'https:' ? 'https:' : 'http:'}//${host}:${port}`;
}

export const env: DashboardEnv = {
  queryApiUrl: readUrl(
    'VITE_QUERY_API_URL',
    import.meta.env.VITE_QUERY_API_URL,
    defaultUrl(
      readPort('VITE_QUERY_API_PORT', import.meta.env.VITE_QUERY_API_PORT, DEFAULT_QUERY_PORT),
    ),
  ),
  websocketUrl: readUrl(
    'VITE_WEBSOCKET_URL',
    import.meta.env.VITE_WEBSOCKET_URL,
    defaultUrl(
      readPort('VITE_WEBSOCKET_PORT', import.meta.env.VITE_WEBSOCKET_PORT, DEFAULT_WEBSOCKET_PORT),
    ),
  ),
};
