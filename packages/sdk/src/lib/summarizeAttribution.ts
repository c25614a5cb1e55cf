import type { MetricName } from '@rum/contract';
import type { Attribution, MetricLike } from './types.ts';
import { stripUrl } from './stripUrl.ts';

/** Wire key ← web-vitals attribution field, per metric. Only short strings and numbers. */
const FIELDS: Partial<Record<MetricName, [string, string][]>> = {
  LCP: [
    ['element', 'target'],
    ['url', 'url'],
    ['timeToFirstByte', 'timeToFirstByte'],
    ['resourceLoadDelay', 'resourceLoadDelay'],
    ['resourceLoadDuration', 'resourceLoadDuration'],
    ['elementRenderDelay', 'elementRenderDelay'],
  ],
  INP: [
    ['target', 'interactionTarget'],
    ['type', 'interactionType'],
    ['inputDelay', 'inputDelay'],
    ['processingDuration', 'processingDuration'],
    ['presentationDelay', 'presentationDelay'],
    ['loadState', 'loadState'],
  ],
  CLS: [
    ['target', 'largestShiftTarget'],
    ['value', 'largestShiftValue'],
    ['loadState', 'loadState'],
  ],
  FCP: [
    ['timeToFirstByte', 'timeToFirstByte'],
    ['firstByteToFCP', 'firstByteToFCP'],
  ],
  TTFB: [
    ['waitingDuration', 'waitingDuration'],
    ['dnsDuration', 'dnsDuration'],
    ['connectionDuration', 'connectionDuration'],
    ['requestDuration', 'requestDuration'],
  ],
};

/**
 * The useful part of web-vitals' attribution object (which also holds DOM entries that
 * cannot be serialised): the LCP element and resource URL (query dropped: signed URLs carry
 * tokens), the INP target and phases, the CLS largest shift target. Milliseconds are
 * rounded to integers, scores to 4 decimals.
 */
export function summarizeAttribution(metric: MetricLike): Attribution | undefined {
  const source = (metric as MetricLike & { attribution?: Record<string, unknown> }).attribution;
  const fields = FIELDS[metric.name];
  if (!source || !fields) return undefined;
  const out: Attribution = {};
  for (const [key, from] of fields) {
    const value = source[from];
    if (typeof value == 'number' && isFinite(value)) out[key] = Math.round(value * 1e4) / 1e4;
    else if (typeof value == 'string' && value) out[key] = from == 'url' ? stripUrl(value) : value;
  }
  return out;
}
