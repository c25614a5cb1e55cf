import {
  ATTRIBUTION_KEYS,
  PHASES,
  type AttributedMetric,
  type MetricName,
  type PhasedMetric,
} from '@rum/contract';

/** The metrics whose causes the query API aggregates (LCP, INP, CLS). */
export function isAttributed(metric: MetricName): metric is AttributedMetric {
  return Object.hasOwn(ATTRIBUTION_KEYS, metric);
}

/** The metrics whose time splits into phases (LCP subparts, INP phases). */
export function isPhased(metric: MetricName): metric is PhasedMetric {
  return Object.hasOwn(PHASES, metric);
}

/** What each attribution key names, per metric (the key selector and the table's first column). */
export const ATTRIBUTION_KEY_LABELS: {
  readonly [M in AttributedMetric]: Readonly<Record<(typeof ATTRIBUTION_KEYS)[M][number], string>>;
} = {
  LCP: { element: 'Element', url: 'Resource URL' },
  INP: { target: 'Target', type: 'Interaction type' },
  CLS: { target: 'Largest shift target' },
};

export function attributionKeyLabel(metric: AttributedMetric, by: string): string {
  return (ATTRIBUTION_KEY_LABELS[metric] as Readonly<Record<string, string>>)[by] ?? by;
}

export const PHASE_LABELS: Readonly<Record<(typeof PHASES)[PhasedMetric][number], string>> = {
  timeToFirstByte: 'Time to first byte',
  resourceLoadDelay: 'Resource load delay',
  resourceLoadDuration: 'Resource load duration',
  elementRenderDelay: 'Element render delay',
  inputDelay: 'Input delay',
  processingDuration: 'Processing duration',
  presentationDelay: 'Presentation delay',
};

export function phaseLabel(phase: string): string {
  return (PHASE_LABELS as Readonly<Record<string, string>>)[phase] ?? phase;
}
