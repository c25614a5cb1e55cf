import { LIMITS } from '@rum/contract';

/**
 * The URL as sent: query string and fragment dropped (they often carry tokens, emails or
 * search terms) unless `keepQuery`, and capped at the contract's length without leaving
 * a cut percent-escape behind (the ingest API checks it is a valid URI).
 */
export function stripUrl(href: string, keepQuery?: boolean): string {
  return (keepQuery ? href : href.replace(/[?#].*/s, ''))
    .slice(0, LIMITS.url)
    .replace(/%[\da-f]?$/i, '');
}
