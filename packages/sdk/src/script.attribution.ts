/** Script-tag build with attribution (`dist/rum.attribution.js`): what caused each metric. */
// One module per metric (not the pre-bundled entry) so rollup.config.js can drop dead code.
import { onCLS } from 'web-vitals/attribution/onCLS.js';
import { onFCP } from 'web-vitals/attribution/onFCP.js';
import { onINP } from 'web-vitals/attribution/onINP.js';
import { onLCP } from 'web-vitals/attribution/onLCP.js';
import { onTTFB } from 'web-vitals/attribution/onTTFB.js';
import { scriptOptions } from './lib/scriptOptions.ts';
import { start } from './lib/start.ts';
import { summarizeAttribution } from './lib/summarizeAttribution.ts';

start(scriptOptions(), [onLCP, onINP, onCLS, onFCP, onTTFB], summarizeAttribution);
