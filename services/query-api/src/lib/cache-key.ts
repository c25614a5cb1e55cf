/**
 * Cache keys: `{entity}:{identifier}:{operation}:{parameters}`, e.g.
 * `project:demo:summary:metric=LCP&range=24h`. Parameters are the VALIDATED query (defaults
 * applied, dates normalised, keys sorted), so two requests asking the same question share
 * an entry whatever their spelling.
 */
export type CacheParams = Record<string, string | number | undefined>;

export function canonicalParams(params: CacheParams): string {
  return Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${encodeURIComponent(String(params[k]))}`)
    .join('&');
}

export function cacheKey(project: string, operation: string, params: CacheParams): string {
  return `project:${project}:${operation}:${canonicalParams(params)}`;
}
