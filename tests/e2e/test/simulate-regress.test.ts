/**
 * `rum simulate --regress LCP` as a newcomer runs it, against the real ingest API and workers
 * (their evaluation interval shortened to half a second): its rule fires on the regressed
 * release's traffic and resolves after the fix, both notifications reach its receiver with a
 * valid signature, and the rule is gone afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEST_JWT_SECRET, TEST_REDIS_URL } from '@rum/testing';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';

const RUM = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
  'packages/cli/bin/rum.js',
);

let pipeline: Pipeline;

before(async () => {
  pipeline = await startPipeline({ env: { ALERT_INTERVAL_MS: '500' }, workerConcurrency: 4 });
});

after(() => pipeline?.stop());

test(
  'rum simulate --regress LCP: the alert fires on the regression and resolves after the fix',
  { timeout: 300_000 },
  async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pipeline.db.url,
      REDIS_URL: TEST_REDIS_URL,
      JWT_SECRET: TEST_JWT_SECRET,
    };
    delete env.NODE_TEST_CONTEXT;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        RUM,
        'simulate',
        '--regress',
        'LCP',
        '--project',
        pipeline.project.project,
        '--endpoint',
        pipeline.ingestUrl,
        '--rate',
        '300',
        '--minutes',
        '4',
      ],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
    const summary = JSON.parse(stdout) as {
      rule: { id: string; metric: string; above: number };
      firing: { value: number; samples: number };
      resolved: { value: number; samples: number };
      signaturesVerified: boolean;
      traffic: { rejected: number };
    };
    assert.equal(summary.rule.metric, 'LCP');
    assert.ok(summary.firing.value > summary.rule.above, 'fired above the threshold');
    assert.ok(summary.firing.samples >= 20);
    assert.ok(summary.resolved.value <= summary.rule.above, 'resolved at or below it');
    assert.equal(summary.signaturesVerified, true);
    assert.equal(summary.traffic.rejected, 0);
    assert.match(stderr, /webhook \(signature verified\): :red_circle: FIRING/);
    assert.match(stderr, /webhook \(signature verified\): :white_check_mark: RESOLVED/);
    const { rows } = await pipeline.db.pool.query('SELECT id FROM alert_rules');
    assert.deepEqual(rows, [], 'the rule is deleted at the end');
  },
);
