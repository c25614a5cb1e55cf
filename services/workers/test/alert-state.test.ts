/** The rule state machine: when a rule fires and resolves, and what too few samples do. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextState, type RuleState } from '../src/alerts/alert-state.ts';

/** The states a rule goes through for a sequence of readings (null: too few samples). */
function run(values: (number | null)[], threshold = 100): string[] {
  let state: RuleState = { state: 'ok', streak: 0 };
  return values.map((value) => {
    const next = nextState(state, { value, threshold });
    state = next;
    return next.change ?? `${next.state}:${next.streak}`;
  });
}

test('a rule fires on its second consecutive breaching evaluation, not its first', () => {
  assert.deepEqual(run([150, 150, 150]), ['ok:1', 'firing', 'firing:0']);
});

test('a good evaluation between two breaching ones starts the count again', () => {
  assert.deepEqual(run([150, 90, 150, 150]), ['ok:1', 'ok:0', 'ok:1', 'firing']);
});

test('a firing rule resolves on its second consecutive good evaluation', () => {
  assert.deepEqual(run([150, 150, 90, 150, 90, 90]), [
    'ok:1',
    'firing',
    'firing:1',
    'firing:0',
    'firing:1',
    'resolved',
  ]);
});

test('the threshold itself is not a breach: the stat must be above it', () => {
  assert.deepEqual(run([100, 100, 100]), ['ok:0', 'ok:0', 'ok:0']);
});

test('too few samples say nothing and break a streak, whichever way it points', () => {
  assert.deepEqual(run([150, null, 150, null, 150, 150]), [
    'ok:1',
    'ok:0',
    'ok:1',
    'ok:0',
    'ok:1',
    'firing',
  ]);
  assert.deepEqual(run([150, 150, 90, null, 90, 90]), [
    'ok:1',
    'firing',
    'firing:1',
    'firing:0',
    'firing:1',
    'resolved',
  ]);
});
