import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { MAX_BODY_BYTES, validateBeacon, type AcceptedBeacon } from '@rum/shared';
import { ERROR_CODES, IngestError } from '../errors.ts';
import { decodeBody } from '../lib/decode-body.ts';
import { batchedRedisStore } from '../lib/rate-limit-store.ts';
import { REDIS_TIMEOUT_MS } from '../lib/with-timeout.ts';
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
const ANY_ORIGIN_CORS: FastifyCorsOptions = {
  origin: true,
  methods: ['POST'],
  allowedHeaders: ['content-type', 'content-encoding', 'x-api-key'],
  maxAge: PREFLIGHT_MAX_AGE_S,
};

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
  // CORS per project: its allowed origins, or any origin when it lists none. A preflight
  // carries no x-api-key value, so without ?key= it is allowed and the POST itself is checked.
  const corsOptions = new WeakMap<KnownProject, FastifyCorsOptions>();
  const corsFor = (project: KnownProject | null): FastifyCorsOptions => {
    if (!project || project.origins.size === 0) return ANY_ORIGIN_CORS;
    let options = corsOptions.get(project);
    if (!options)
      corsOptions.set(project, (options = { ...ANY_ORIGIN_CORS, origin: [...project.origins] }));
    return options;
  };
  await app.register(cors, {
    // Callback style: a cached project (the usual case) costs no promise.
    delegator: (
      request: FastifyRequest,
      callback: (err: Error | null, options: FastifyCorsOptions) => void,
    ) => {
      const key = ingestKeyOf(request);
      const known = key ? app.projectKeys.cached(key) : null;
      if (known !== undefined) return callback(null, corsFor(known));
      app.projectKeys.lookup(key!).then(
        (project) => callback(null, corsFor(project)),
        () => callback(null, ANY_ORIGIN_CORS),
      );
    },
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
      new IngestError(
        429,
        ERROR_CODES.rateLimited,
        `project ${request.ingestProject?.slug ?? ''} is over its limit of ${context.max} requests per minute; retry in ${context.after}`,
      ),
  });

  app.decorateRequest('ingestProject', null);

  /** Null when `project` may send this request, else the 401/403 to answer. */
  const refusal = (request: FastifyRequest, project: KnownProject | null): IngestError | null => {
    if (!project) return new IngestError(401, ERROR_CODES.unknownKey, 'unknown ingest key');
    if (project.origins.size > 0) {
      const origin = request.headers.origin;
      if (!origin || !project.origins.has(normalizeOrigin(origin))) {
        return new IngestError(
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

  app.addHook('onRequest', (request, _reply, done) => {
    const key = ingestKeyOf(request);
    if (!key) {
      return done(
        new IngestError(
          401,
          ERROR_CODES.missingKey,
          'ingest key missing: pass it as ?key= or in the x-api-key header',
        ),
      );
    }
    const known = app.projectKeys.cached(key);
    if (known !== undefined) return done(refusal(request, known) ?? undefined);
    app.projectKeys.lookup(key).then(
      (project) => done(refusal(request, project) ?? undefined),
      (err: IngestError) => done(err),
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
              new IngestError(400, ERROR_CODES.badBeacon, `body is not valid JSON: ${err.message}`),
            );
          else resolve(body);
        });
      });
    },
  );

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
      const { value: beacon, error } = validateBeacon(request.body);
      if (error !== undefined) throw new IngestError(400, ERROR_CODES.badBeacon, error);
      const project = request.ingestProject!;
      const accepted: AcceptedBeacon = {
        projectId: project.id,
        project: project.slug,
        receivedAt: Date.now(),
        beacon,
      };
      const userAgent = request.headers['user-agent'];
      if (userAgent) accepted.userAgent = userAgent.slice(0, MAX_USER_AGENT_LENGTH);
      const country = countryOf(request, countryHeader);
      if (country) accepted.country = country;

      await app.collectQueue.enqueue(accepted);

      const errors = beacon.errors?.length ?? 0;
      app.metrics.eventsAccepted.inc({ type: 'metric' }, beacon.events.length);
      if (errors > 0) app.metrics.eventsAccepted.inc({ type: 'error' }, errors);
      return reply.code(202).send({ accepted: beacon.events.length + errors });
    },
  );
};

export default collectRoutes;
