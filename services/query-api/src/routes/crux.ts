/**
 * The CrUX-compatible API (issue 15): `POST /v1/records:queryRecord` and
 * `POST /v1/records:queryHistoryRecord`, request and answer as the Chrome UX Report API's
 * reference documents them, over the project the read token names. The token comes as
 * `?key=` (as CrUX clients send their API key) or `Authorization: Bearer`. Errors are
 * Google's `{"error": {"code", "message", "status"}}`; bodies may be `text/plain`, as CrUX
 * clients `fetch` a bare JSON string.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  CRUX_ERROR_STATUSES,
  CRUX_HISTOGRAM_METRICS,
  CRUX_HISTORY_DEFAULT_PERIODS,
  type CruxFractionMetric,
  type CruxHistogramMetric,
  type CruxHistoryRequest,
  type CruxHistoryResponse,
  type CruxRecordRequest,
  type CruxRecordResponse,
  type MetricName,
} from '@rum/contract';
import { ServiceError, toErrorResponse } from '@rum/server-kit/http';
import { cacheKey } from '../lib/cache-key.ts';
import {
  fractionTimeseries,
  fractions,
  histogramTimeseries,
  histogramValue,
} from '../lib/crux-format.ts';
import {
  collectionPeriods,
  noRecord,
  resolveKey,
  type Period,
  type ResolvedKey,
} from '../lib/crux-key.ts';
import authPlugin, { bearerToken } from '../plugins/auth.ts';
import type { CachedOperation } from '../plugins/cache.ts';
import rateLimitPlugin, { type RateLimitPluginOptions } from '../plugins/rate-limit.ts';
import { queryCruxHistoryStats, queryHistoryPageLoads } from '../queries/crux-history.ts';
import { queryCruxStats, queryPageLoads } from '../queries/crux-record.ts';
import {
  cruxErrorResponse,
  cruxHistoryBody,
  cruxHistoryResponse,
  cruxQuerystring,
  cruxRecordBody,
  cruxRecordResponse,
} from '../schemas/crux.ts';

export interface CruxRoutesOptions {
  jwtSecret: string;
  rateLimit?: RateLimitPluginOptions;
}

/** The read token: `?key=` first (CrUX clients' API key), else the Bearer header. */
function cruxToken(request: FastifyRequest): string | undefined {
  return (request.query as { key?: string }).key || bearerToken(request.headers.authorization);
}

/** What a request asks for, CrUX names mapped to ours; every metric when `metrics` is absent or empty. */
interface Wanted {
  histograms: Array<[CruxHistogramMetric, MetricName]>;
  fractions: CruxFractionMetric[];
}

function wantedOf(req: CruxRecordRequest): Wanted {
  const asked = req.metrics?.length ? new Set(req.metrics) : undefined;
  const wants = (m: string) => asked === undefined || asked.has(m);
  const histograms = (
    Object.entries(CRUX_HISTOGRAM_METRICS) as Array<[CruxHistogramMetric, MetricName]>
  ).filter(([crux]) => wants(crux));
  // form_factors splits "all form factors": a record of one form factor has none, as in CrUX.
  const allFormFactors = req.formFactor === undefined || req.formFactor === 'ALL_FORM_FACTORS';
  const fractionMetrics: CruxFractionMetric[] = [];
  if (wants('form_factors') && allFormFactors) fractionMetrics.push('form_factors');
  if (wants('navigation_types')) fractionMetrics.push('navigation_types');
  return { histograms, fractions: fractionMetrics };
}

/** Our dimension behind each fraction metric. */
const FRACTION_DIMENSIONS = {
  form_factors: 'device',
  navigation_types: 'navigationType',
} as const;

/** The same question gets the same cache entry for the rest of the (UTC) day. */
function cruxCacheKey(
  project: string,
  operation: CachedOperation,
  req: CruxHistoryRequest,
): string {
  return cacheKey(project, operation, {
    origin: req.origin,
    url: req.url,
    formFactor: req.formFactor,
    effectiveConnectionType: req.effectiveConnectionType,
    metrics: req.metrics ? [...new Set(req.metrics)].sort().join(',') : undefined,
    collectionPeriodCount: req.collectionPeriodCount,
    day: new Date().toISOString().slice(0, 10),
  });
}

/** Google's error body, from whatever was thrown: the status names the HTTP code. */
function cruxErrorHandler(
  err: FastifyError | ServiceError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { statusCode: code, message: said } = toErrorResponse(err);
  // A body that is no JSON object fails the schema at its root: say so rather than naming "query".
  const issue = err instanceof ServiceError ? undefined : err.validation?.[0];
  const message =
    err instanceof ServiceError ||
    err.validationContext !== 'body' ||
    issue?.instancePath !== '' ||
    issue.keyword !== 'type'
      ? said
      : 'the request body must be a JSON object, e.g. {"origin": "https://example.com"}';
  if (err instanceof ServiceError && err.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(err.retryAfterSeconds));
  if (code >= 500) request.log.error({ err }, 'request failed');
  const status = CRUX_ERROR_STATUSES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  void reply.code(code).send({ error: { code, message, status } });
}

const cruxRoutes: FastifyPluginAsync<CruxRoutesOptions> = async (app, opts) => {
  app.setErrorHandler(cruxErrorHandler);
  // CrUX clients post JSON as a bare string (text/plain, no preflight); curl's default form type too.
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser(
    ['text/plain', 'application/x-www-form-urlencoded'],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  await app.register(rateLimitPlugin, { ...opts.rateLimit, tokenOf: cruxToken });
  await app.register(authPlugin, {
    jwtSecret: opts.jwtSecret,
    tokenOf: cruxToken,
    projectFrom: 'token',
  });
  const errors = Object.fromEntries(
    [400, 401, 403, 404, 429].map((code) => [code, cruxErrorResponse]),
  );
  const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { readTokenKey: [] }];

  /**
   * POST /records:<method>: the token's project, the cache, the key resolved and the metrics
   * wanted, then `answer` for the record's metrics and period(s); no metric with data is a 404.
   */
  const cruxRoute = <B extends CruxHistoryRequest, R extends { metrics: object }>(spec: {
    method: 'queryRecord' | 'queryHistoryRecord';
    operation: CachedOperation;
    summary: string;
    body: object;
    response: object;
    answer: (req: B, resolved: ResolvedKey, wanted: Wanted) => Promise<R>;
  }) =>
    app.post<{ Body: B }>(
      `/records::${spec.method}`,
      {
        schema: {
          summary: spec.summary,
          tags: ['crux'],
          security,
          querystring: cruxQuerystring,
          body: spec.body,
          response: { 200: spec.response, ...errors },
        },
      },
      async (request, reply) => {
        const req = request.body as B;
        const key = cruxCacheKey(request.project.slug, spec.operation, req);
        return app.cache.respond(reply, spec.operation, key, async () => {
          const resolved = await resolveKey(app.db, request.project.id, req);
          const answer = await spec.answer(req, resolved, wantedOf(req));
          if (Object.keys(answer.metrics).length === 0) throw noRecord();
          const body = { record: { key: resolved.key, ...answer } };
          return resolved.urlNormalizationDetails
            ? { ...body, urlNormalizationDetails: resolved.urlNormalizationDetails }
            : body;
        });
      },
    );

  cruxRoute<CruxRecordRequest, Omit<CruxRecordResponse['record'], 'key'>>({
    method: 'queryRecord',
    operation: 'crux-record',
    summary: "A CrUX record (28 days ending today) for an origin or url of the token's project",
    body: cruxRecordBody,
    response: cruxRecordResponse,
    answer: async (_req, resolved, wanted) => {
      const [{ window, period }] = collectionPeriods(1) as [Period];
      const q = { filters: resolved.filters, window };
      const [stats, ...loads] = await Promise.all([
        queryCruxStats(app, { ...q, metrics: wanted.histograms.map(([, ours]) => ours) }),
        ...wanted.fractions.map((m) =>
          queryPageLoads(app, { ...q, column: FRACTION_DIMENSIONS[m] }),
        ),
      ]);
      const metrics: CruxRecordResponse['record']['metrics'] = {};
      for (const [crux, ours] of wanted.histograms) {
        const s = stats.get(ours);
        if (s) metrics[crux] = histogramValue(ours, s);
      }
      wanted.fractions.forEach((m, i) => {
        const f = fractions(m, loads[i]!);
        if (f) metrics[m] = { fractions: f };
      });
      return { metrics, collectionPeriod: period };
    },
  });

  cruxRoute<CruxHistoryRequest, Omit<CruxHistoryResponse['record'], 'key'>>({
    method: 'queryHistoryRecord',
    operation: 'crux-history',
    summary: 'A CrUX history record: 28-day collection periods a week apart, the last ending today',
    body: cruxHistoryBody,
    response: cruxHistoryResponse,
    answer: async (req, resolved, wanted) => {
      const periods = collectionPeriods(req.collectionPeriodCount ?? CRUX_HISTORY_DEFAULT_PERIODS);
      const q = { filters: resolved.filters, periods };
      const [stats, ...loads] = await Promise.all([
        queryCruxHistoryStats(app, { ...q, metrics: wanted.histograms.map(([, ours]) => ours) }),
        ...wanted.fractions.map((m) =>
          queryHistoryPageLoads(app, { ...q, column: FRACTION_DIMENSIONS[m] }),
        ),
      ]);
      const metrics: CruxHistoryResponse['record']['metrics'] = {};
      for (const [crux, ours] of wanted.histograms) {
        const series = stats.get(ours);
        if (series) metrics[crux] = histogramTimeseries(ours, series);
      }
      wanted.fractions.forEach((m, i) => {
        const perPeriod = loads[i]!;
        if (perPeriod.some((counts) => fractions(m, counts)))
          metrics[m] = { fractionTimeseries: fractionTimeseries(m, perPeriod) };
      });
      return { metrics, collectionPeriods: periods.map((p) => p.period) };
    },
  });
};

export default cruxRoutes;
