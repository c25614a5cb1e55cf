import type { FastifyPluginAsync } from 'fastify';
import {
  ATTRIBUTION_KEYS,
  type AssessmentResponse,
  type AttributedMetric,
  type AttributionResponse,
  type PhasedMetric,
  type PhasesResponse,
  type QueryFilters,
} from '@rum/contract';
import { badParameter } from '@rum/server-kit/http';
import { resolveWindow } from '@rum/server-kit/aggregates';
import { queryAssessment } from '../../queries/assessment.ts';
import { queryAttribution } from '../../queries/attribution.ts';
import { queryPhases } from '../../queries/phases.ts';
import { assessmentQuery, attributionQuery, phasesQuery } from '../../schemas/query-strings.ts';
import {
  assessmentResponse,
  attributionResponse,
  phasesResponse,
} from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

type AttributionRouteQuery = QueryFilters & {
  metric: AttributedMetric;
  by?: string;
  limit: number;
};

/** Why a metric is slow: top attribution values (`attribution`), its phases (`phases`), and the CWV assessment. */
const attribution: FastifyPluginAsync = async (app) => {
  cachedRoute<AttributionRouteQuery, AttributionResponse, { by: string }>(app, {
    operation: 'attribution',
    summary:
      'Attribution values (LCP element or url, INP target or type, CLS target) ranked by poor samples',
    querystring: attributionQuery,
    response: attributionResponse,
    resolve: ({ metric, by }) => {
      const keys: readonly string[] = ATTRIBUTION_KEYS[metric];
      if (by !== undefined && !keys.includes(by))
        throw badParameter('by', `must be one of ${keys.join(', ')} for ${metric}`);
      return { by: by ?? keys[0]! };
    },
    answer: async ({ query: { metric, limit }, defaults: { by }, window, filters, windowBody }) => {
      const { source, rows } = await queryAttribution(app, { filters, window, metric, by, limit });
      return { ...windowBody(source), metric, by, ...rows };
    },
  });

  cachedRoute<QueryFilters & { metric: PhasedMetric }, PhasesResponse>(app, {
    operation: 'phases',
    summary: 'p75 of the LCP subparts or INP phases, over all samples and over the poor ones',
    querystring: phasesQuery,
    response: phasesResponse,
    answer: async ({ query: { metric }, window, filters, windowBody }) => {
      const { source, rows } = await queryPhases(app, { filters, window, metric });
      return { ...windowBody(source), metric, phases: rows };
    },
  });

  cachedRoute<QueryFilters & { minSamples: number }, AssessmentResponse>(app, {
    operation: 'assessment',
    summary:
      'Core Web Vitals assessment per form factor over the last 28 days, as PageSpeed Insights shows it',
    querystring: assessmentQuery,
    response: assessmentResponse,
    window: () => resolveWindow({ range: '28d' }),
    answer: async ({ query: { minSamples }, window, filters, windowBody }) => {
      const { source, rows } = await queryAssessment(app, { filters, window, minSamples });
      return { ...windowBody(source), minSamples, formFactors: rows };
    },
  });
};

export default attribution;
