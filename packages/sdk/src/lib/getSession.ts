import { SESSION_STORAGE_KEY } from './defaults.ts';
import { randomId } from './randomId.ts';

/**
 * Returns this tab's anonymous session id, or `undefined` when the session is sampled out.
 * The sampling decision is stored with the id (`<id>.<1|0>`) so a session is all in or all
 * out. When sessionStorage throws (storage disabled, sandboxed frames) each page is its
 * own session.
 */
export function getSession(sampleRate: number | string = 1): string | undefined {
  let stored = randomId() + '.' + +(Math.random() < +sampleRate);
  try {
    // Named-property access on Storage is getItem/setItem in fewer bytes.
    stored = (sessionStorage as unknown as Record<string, string>)[SESSION_STORAGE_KEY] ||= stored;
  } catch {
    // keep the per-page session
  }
  const [sid, sampled] = stored.split('.');
  return sampled == '1' ? sid : undefined;
}
