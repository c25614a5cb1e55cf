import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import { start } from './start.ts';
import { summarizeAttribution } from './summarizeAttribution.ts';
import type { Options } from './types.ts';

/**
 * Starts measuring Core Web Vitals and JS errors and sending them to the ingest API.
 * Call once, as early as possible. With `attribution: true` the larger
 * `web-vitals/attribution` build is loaded lazily (a separate chunk in your bundle).
 *
 * @example init({ key: 'pk_...', endpoint: 'https://ingest.example.com' })
 */
export function init(options: Options): void {
  if (options.attribution) {
    void import('web-vitals/attribution').then((a) =>
      start(options, [a.onLCP, a.onINP, a.onCLS, a.onFCP, a.onTTFB], summarizeAttribution),
    );
  } else start(options, [onLCP, onINP, onCLS, onFCP, onTTFB]);
}
