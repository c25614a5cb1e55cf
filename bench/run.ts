/**
 * `npm run bench`: runs every bench/*.bench.ts one after another (never in parallel: they
 * measure the same two cores), each printing one JSON line per figure.
 * `npm run bench -- ingest live` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.includes(f.replace('.bench.ts', '')))
  .sort();

let failed = 0;
for (const file of benches) {
  console.error(`bench: ${file}`);
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    stdio: 'inherit',
  });
  if (status !== 0) {
    failed++;
    console.error(`bench: ${file} exited with ${status}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
