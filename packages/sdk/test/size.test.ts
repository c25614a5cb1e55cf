/**
 * The headline: each script-tag build, gzipped, stays within a fixed budget over the matching
 * web-vitals IIFE (the standard build over `web-vitals.iife.js`, the attribution build over
 * `web-vitals.attribution.iife.js`). Builds first when dist is missing. Prints both sizes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, test } from 'node:test';
import { gzipSync } from 'node:zlib';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const gzipped = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;
/** A file next to web-vitals' ESM entry (`dist/web-vitals.js`), where its IIFEs live. */
const webVitalsFile = (name: string) =>
  fileURLToPath(import.meta.resolve('web-vitals').replace(/web-vitals\.js$/, name));

before(() => {
  if (!existsSync(`${SDK_DIR}/dist/rum.js`) || !existsSync(`${SDK_DIR}/dist/rum.attribution.js`)) {
    execFileSync('npx', ['rollup', '-c'], { cwd: SDK_DIR, stdio: 'inherit' });
  }
});

const BUDGETS = [
  { ours: 'rum.js', theirs: 'web-vitals.iife.js', budgetBytes: 1.4 * 1024 },
  // 0.4 KB more than the standard build: our attribution summary (summarizeAttribution.ts).
  { ours: 'rum.attribution.js', theirs: 'web-vitals.attribution.iife.js', budgetBytes: 1.8 * 1024 },
];

for (const { ours, theirs, budgetBytes } of BUDGETS) {
  test(`dist/${ours} is at most ${budgetBytes} gzipped bytes over ${theirs}`, (t) => {
    const oursBytes = gzipped(`${SDK_DIR}/dist/${ours}`);
    const theirsBytes = gzipped(webVitalsFile(theirs));
    // Printed in the test report (a TAP diagnostic line).
    t.diagnostic(
      `gzipped: dist/${ours} ${oursBytes} B, ${theirs} ${theirsBytes} B; ` +
        `over web-vitals ${oursBytes - theirsBytes} B of ${budgetBytes} B ` +
        `(margin ${(theirsBytes + budgetBytes - oursBytes).toFixed(1)} B)`,
    );
    assert.ok(
      oursBytes - theirsBytes <= budgetBytes,
      `${ours} is ${oursBytes - theirsBytes} B over web-vitals, budget ${budgetBytes} B`,
    );
  });
}
