import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PhaseRow } from '@rum/contract';
import { stackPhases } from '../src/features/attribution/utils/stack-phases.ts';

const row = (phase: string, all: number | null, poor: number | null, count = 10): PhaseRow => ({
  phase,
  all: { count: all === null ? 0 : count, p75: all },
  poor: { count: poor === null ? 0 : Math.ceil(count / 4), p75: poor },
});

test('phases are stacked in time order whatever order they arrive in, on one shared scale', () => {
  const bars = stackPhases('INP', [
    row('presentationDelay', 40, 100),
    row('inputDelay', 20, 50),
    row('processingDuration', 40, 250),
  ]);
  assert.deepEqual(
    bars.map((b) => b.key),
    ['all', 'poor'],
  );
  const [all, poor] = bars;
  assert.deepEqual(
    all!.segments.map((s) => s.phase),
    ['inputDelay', 'processingDuration', 'presentationDelay'],
  );
  assert.equal(all!.total, 100);
  assert.equal(poor!.total, 400);
  // The poor bar is the longer one: it spans the whole width, the other a quarter of it.
  assert.deepEqual(
    poor!.segments.map((s) => [s.start, s.width]),
    [
      [0, 0.125],
      [0.125, 0.625],
      [0.75, 0.25],
    ],
  );
  assert.deepEqual(
    all!.segments.map((s) => [s.start, s.width]),
    [
      [0, 0.05],
      [0.05, 0.1],
      [0.15, 0.1],
    ],
  );
  assert.equal(all!.count, 10);
  assert.equal(poor!.count, 3);
});

test('a phase without samples keeps its place with no length; no poor views gives an empty bar', () => {
  const [all, poor] = stackPhases('LCP', [
    row('timeToFirstByte', 600, null),
    row('resourceLoadDelay', null, null),
    row('resourceLoadDuration', 900, null),
    row('elementRenderDelay', 1500, null),
  ]);
  assert.deepEqual(
    all!.segments.map((s) => [s.phase, s.p75, s.start, s.width]),
    [
      ['timeToFirstByte', 600, 0, 0.2],
      ['resourceLoadDelay', null, 0.2, 0],
      ['resourceLoadDuration', 900, 0.2, 0.3],
      ['elementRenderDelay', 1500, 0.5, 0.5],
    ],
  );
  assert.equal(poor!.count, 0);
  assert.equal(poor!.total, 0);
  assert.ok(poor!.segments.every((s) => s.width === 0 && s.p75 === null));
});

test('nothing at all stacks to two empty bars, without dividing by zero', () => {
  const bars = stackPhases('LCP', []);
  assert.deepEqual(
    bars.map((b) => [b.key, b.count, b.total, b.segments.length]),
    [
      ['all', 0, 0, 0],
      ['poor', 0, 0, 0],
    ],
  );
});
