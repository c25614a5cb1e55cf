/**
 * A random id for sessions and FID reports. Not a secret and not a fingerprint, only
 * unique enough to group one tab's events; `crypto.randomUUID` is avoided because it
 * is missing on plain-http pages.
 */
export function randomId(): string {
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}
