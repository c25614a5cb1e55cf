/**
 * The headline: the script-tag build, gzipped, stays within 1.4 KB of web-vitals' own
 * gzipped IIFE. Builds first when dist is missing. Prints both sizes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const BUDGET_BYTES = 1.4 * 1024;
const gzipped = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;

test(`the standard IIFE is at most ${BUDGET_BYTES} gzipped bytes over web-vitals' own IIFE`, (t) => {
  if (!existsSync(`${SDK_DIR}/dist/rum.js`) || !existsSync(`${SDK_DIR}/dist/rum.attribution.js`)) {
    execFileSync('npx', ['rollup', '-c'], { cwd: SDK_DIR, stdio: 'inherit' });
  }
  const ours = gzipped(`${SDK_DIR}/dist/rum.js`);
  const attribution = gzipped(`${SDK_DIR}/dist/rum.attribution.js`);
  const webVitals = gzipped(
    fileURLToPath(
      import.meta.resolve('web-vitals').replace(/web-vitals\.js$/, 'web-vitals.iife.js'),
    ),
  );
  // Printed in the test report (a TAP diagnostic line).
  t.diagnostic(
    `gzipped: dist/rum.js ${ours} B, dist/rum.attribution.js ${attribution} B, web-vitals.iife.js ${webVitals} B; ` +
      `over web-vitals ${ours - webVitals} B of ${BUDGET_BYTES} B (margin ${(webVitals + BUDGET_BYTES - ours).toFixed(1)} B)`,
  );
  assert.ok(
    ours - webVitals <= BUDGET_BYTES,
    `rum.js is ${ours - webVitals} B over web-vitals, budget ${BUDGET_BYTES} B`,
  );
});
