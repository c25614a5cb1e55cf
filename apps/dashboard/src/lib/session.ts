/**
 * The read token and the project it names. The token arrives in the URL fragment
 * (`#token=...`, never sent to a server), is kept in sessionStorage for reloads, and is
 * removed from the address bar so it does not end up in bookmarks or screenshots.
 */

const STORAGE_KEY = 'rum_read_token';

export interface Session {
  token: string;
  project: string;
}

/** The `project` claim of a JWT, or null when the token is not a readable JWT. */
export function projectOfToken(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const claims = JSON.parse(json) as { project?: unknown };
    return typeof claims.project === 'string' && claims.project !== '' ? claims.project : null;
  } catch {
    return null;
  }
}

export function sessionFromToken(token: string): Session | null {
  const trimmed = token.trim();
  const project = projectOfToken(trimmed);
  return project ? { token: trimmed, project } : null;
}

/** Reads `#token=` (and keeps it), else the token kept from earlier in this tab. */
export function loadSession(): Session | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    const session = sessionFromToken(fromUrl);
    if (session) {
      saveSession(session);
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      return session;
    }
  }
  const stored = window.sessionStorage.getItem(STORAGE_KEY);
  return stored ? sessionFromToken(stored) : null;
}

export function saveSession(session: Session): void {
  window.sessionStorage.setItem(STORAGE_KEY, session.token);
}

export function clearSession(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}
