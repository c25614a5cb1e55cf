/**
 * The state machine of one rule, pure: a rule fires after {@link ALERT_FIRE_AFTER} consecutive
 * breaching evaluations and resolves after {@link ALERT_RESOLVE_AFTER} consecutive good ones.
 * An evaluation on fewer samples than the rule's floor says nothing, and breaks a streak.
 */
import { ALERT_FIRE_AFTER, ALERT_RESOLVE_AFTER, type AlertEventState } from '@rum/contract';

export interface RuleState {
  state: 'ok' | 'firing';
  /** Consecutive evaluations pointing away from `state`. */
  streak: number;
}

export interface Reading {
  /** The stat over the window; null when the window had too few samples. */
  value: number | null;
  threshold: number;
}

export interface Transition extends RuleState {
  /** Set when this evaluation changes the state. */
  change: AlertEventState | null;
}

export function nextState(current: RuleState, reading: Reading): Transition {
  if (reading.value === null) return { state: current.state, streak: 0, change: null };
  const breaching = reading.value > reading.threshold;
  const away = current.state === 'ok' ? breaching : !breaching;
  if (!away) return { state: current.state, streak: 0, change: null };
  const streak = current.streak + 1;
  if (current.state === 'ok' && streak >= ALERT_FIRE_AFTER)
    return { state: 'firing', streak: 0, change: 'firing' };
  if (current.state === 'firing' && streak >= ALERT_RESOLVE_AFTER)
    return { state: 'ok', streak: 0, change: 'resolved' };
  return { state: current.state, streak, change: null };
}
