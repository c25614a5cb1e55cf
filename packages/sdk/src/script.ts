/**
 * Script-tag build (`dist/rum.js`), configured by the tag's `data-key`, `data-endpoint`,
 * `data-release`, `data-sample-rate` and `data-keep-query` attributes.
 */
// One module per metric (not the pre-bundled entry) so rollup.config.js can drop dead code.
import { onCLS } from 'web-vitals/onCLS.js';
import { onFCP } from 'web-vitals/onFCP.js';
import { onINP } from 'web-vitals/onINP.js';
import { onLCP } from 'web-vitals/onLCP.js';
import { onTTFB } from 'web-vitals/onTTFB.js';
import { scriptOptions } from './lib/scriptOptions.ts';
import { start } from './lib/start.ts';

start(scriptOptions(), [onLCP, onINP, onCLS, onFCP, onTTFB]);
