import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { MAX_BODY_BYTES, type AcceptedBeacon } from '@rum/contract';
import { validateBeacon } from '@rum/contract/schema';
import { ERROR_CODES } from '@rum/contract';
import { ServiceError } from '@rum/server-kit/http';
import { Counter } from 'prom-client';
import { decodeBody } from '../lib/decode-body.ts';
import { batchedRedisStore } from '../lib/rate-limit-store.ts';
import { REDIS_TIMEOUT_MS } from '../lib/not-queued.ts';
import { normalizeOrigin, type KnownProject } from '../plugins/project-keys.ts';
import { collectSchema } from '../schemas/collect.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project of the request's ingest key, set by the authentication hook. */
    ingestProject: KnownProject | null;
  }
}

export interface CollectRoutesOptions {
  /** Lower-case header a trusted proxy sets to the visitor's country; empty to ignore. */
  countryHeader: string;
}

/** Redis key prefix of the per-project request counters (the project id follows). */
export const RATE_LIMIT_NAMESPACE = 'rum:ratelimit:ingest:';
const RATE_LIMIT_WINDOW_MS = 60_000;
/** The User-Agent goes to the workers for parsing; a longer one is not a real browser's. */
const MAX_USER_AGENT_LENGTH = 512;
/** Browsers may cache a preflight this long (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_S = 7200;
const CORS_ALLOWED_HEADERS = 'content-type, content-encoding, x-api-key';

/** A project that lists no origins takes beacons from any page. */
function originAllowed(project: KnownProject | null, origin: string): boolean {
  return !project || project.origins.size === 0 || project.origins.has(normalizeOrigin(origin));
}

function ingestKeyOf(request: FastifyRequest): string | undefined {
  const fromQuery = (request.query as { key?: unknown }).key;
  if (typeof fromQuery === 'string') return fromQuery;
  const fromHeader = request.headers['x-api-key'];
  return typeof fromHeader === 'string' ? fromHeader : undefined;
}

function countryOf(request: FastifyRequest, header: string): string | undefined {
  if (!header) return undefined;
  const value = request.headers[header];
  if (typeof value !== 'string' || !/^[A-Za-z]{2}$/.test(value)) return undefined;
  const country = value.toUpperCase();
  // Cloudflare's "unknown".
  return country === 'XX' ? undefined : country;
}

/**
 * POST /v1/collect. Authentication, origin check and rate limit run in onRequest hooks, so
 * a rejected request is answered before its body is read.
 */
const collectRoutes: FastifyPluginAsync<CollectRoutesOptions> = async (app, { countryHeader }) => {
  const eventsAccepted = new Counter({
    name: 'rum_ingest_events_accepted_total',
    help: 'Events queued and answered with 202, by type (metric: web-vitals reports, error: JS errors).',
    labelNames: ['type'],
    registers: [app.metrics],
  });
  // Per-project counters in Redis, shared by every ingest instance; a failure is a 503.
  const limiterStore = batchedRedisStore({
    redis: app.redis,
    namespace: RATE_LIMIT_NAMESPACE,
    timeoutMs: REDIS_TIMEOUT_MS,
  });
  app.addHook('onClose', () => limiterStore.close());
  await app.register(rateLimit, {
    global: false,
    store: limiterStore.Store,
    // The limit headers only on a 429: beacons' answers are not read, and each header costs.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (request, context) =>
      new ServiceError(
        429,
        ERROR_CODES.rateLimited,
        `project ${request.ingestProject?.slug ?? ''} is over its limit of ${context.max} requests per minute; retry in ${context.after}`,
      ),
  });

  app.decorateRequest('ingestProject', null);

  /** Null when `project` may send this request, else the 401/403 to answer. */
  const refusal = (request: FastifyRequest, project: KnownProject | null): ServiceError | null => {
    if (!project) return new ServiceError(401, ERROR_CODES.unknownKey, 'unknown ingest key');
    if (project.expiresAt !== null && project.expiresAt <= Date.now()) {
      return new ServiceError(
        401,
        ERROR_CODES.expiredKey,
        `this ingest key was replaced and stopped working at ${new Date(project.expiresAt).toISOString()}; use the project's current key`,
      );
    }
    if (project.origins.size > 0) {
      const origin = request.headers.origin;
      if (!origin || !project.origins.has(normalizeOrigin(origin))) {
        return new ServiceError(
          403,
          ERROR_CODES.originNotAllowed,
          origin
            ? `origin ${origin} is not allowed to send beacons for this project`
            : 'an Origin header is required by this project',
        );
      }
    }
    request.ingestProject = project;
    return null;
  };

  // One hook resolves the request's project once, before the body is read. CORS comes first:
  // a preflight (which carries no x-api-key value) is answered here, and error answers keep
  // the header so that fetch() retries can read them. Written here rather than with
  // @fastify/cors, whose per-request options delegator re-normalised its options on every
  // beacon (about 5% of ingest throughput in the bench).
  app.addHook('onRequest', (request, reply, done) => {
    const key = ingestKeyOf(request);
    const proceed = (project: KnownProject | null, lookupError?: ServiceError) => {
      const origin = request.headers.origin;
      const preflight = request.method === 'OPTIONS';
      if (origin !== undefined || preflight) reply.header('vary', 'Origin');
      // An unknown or unreachable project allows any origin; the request gets its 401 or 503.
      if (origin !== undefined && originAllowed(project, origin)) {
        reply.header('access-control-allow-origin', origin);
      }
      if (preflight) {
        reply
          .code(204)
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', CORS_ALLOWED_HEADERS)
          .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
          .send();
        return;
      }
      if (lookupError) return done(lookupError);
      if (!key) {
        return done(
          new ServiceError(
            401,
            ERROR_CODES.missingKey,
            'ingest key missing: pass it as ?key= or in the x-api-key header',
          ),
        );
      }
      done(refusal(request, project) ?? undefined);
    };
    const known = key ? app.projectKeys.cached(key) : null;
    if (known !== undefined) return proceed(known);
    app.projectKeys.lookup(key!).then(
      (project) => proceed(project),
      (err: ServiceError) => proceed(null, err),
    );
  });

  // One parser for both media types: sendBeacon sends JSON as text/plain to avoid a preflight.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
    async (request: FastifyRequest, raw: Buffer) => {
      const text = await decodeBody(raw, request.headers['content-encoding'], MAX_BODY_BYTES);
      return new Promise((resolve, reject) => {
        parseJson(request, text, (err, body) => {
          if (err)
            reject(
              new ServiceError(
                400,
                ERROR_CODES.badBeacon,
                `body is not valid JSON: ${err.message}`,
              ),
            );
          else resolve(body);
        });
      });
    },
  );

  // Preflights are answered by the onRequest hook above; the route only makes them reach it.
  app.options('/collect', (_request, reply) => reply.code(204).send());

  app.post(
    '/collect',
    {
      schema: collectSchema,
      config: {
        rateLimit: {
          timeWindow: RATE_LIMIT_WINDOW_MS,
          keyGenerator: (request: FastifyRequest) => String(request.ingestProject!.id),
          max: (request: FastifyRequest) => request.ingestProject!.rateLimitPerMinute,
        },
      },
    },
    async (request, reply) => {
      const receivedAt = Date.now();
      const { value: beacon, error } = validateBeacon(request.body, receivedAt);
      if (error !== undefined) throw new ServiceError(400, ERROR_CODES.badBeacon, error);
      const project = request.ingestProject!;
      const accepted: AcceptedBeacon = {
        projectId: project.id,
        project: project.slug,
        receivedAt,
        beacon,
      };
      const userAgent = request.headers['user-agent'];
      if (userAgent) accepted.userAgent = userAgent.slice(0, MAX_USER_AGENT_LENGTH);
      const country = countryOf(request, countryHeader);
      if (country) accepted.country = country;

      await app.collectQueue.enqueue(accepted);

      const errors = beacon.errors?.length ?? 0;
      eventsAccepted.inc({ type: 'metric' }, beacon.events.length);
      if (errors > 0) eventsAccepted.inc({ type: 'error' }, errors);
      return reply.code(202).send({ accepted: beacon.events.length + errors });
    },
  );
};

export default collectRoutes;
