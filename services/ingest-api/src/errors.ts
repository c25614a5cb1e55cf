import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorResponse } from '@rum/shared';

/** Stable error codes of ingest-api; clients and dashboards may match on them. */
export const ERROR_CODES = {
  badBeacon: 'RUM_ERR_BAD_BEACON',
  missingKey: 'RUM_ERR_MISSING_KEY',
  unknownKey: 'RUM_ERR_UNKNOWN_KEY',
  expiredKey: 'RUM_ERR_EXPIRED_KEY',
  originNotAllowed: 'RUM_ERR_ORIGIN_NOT_ALLOWED',
  notFound: 'RUM_ERR_NOT_FOUND',
  bodyTooLarge: 'RUM_ERR_BODY_TOO_LARGE',
  unsupportedMediaType: 'RUM_ERR_UNSUPPORTED_MEDIA_TYPE',
  rateLimited: 'RUM_ERR_RATE_LIMITED',
  badRequest: 'RUM_ERR_BAD_REQUEST',
  unavailable: 'RUM_ERR_UNAVAILABLE',
  internal: 'RUM_ERR_INTERNAL',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** An error whose status and code go to the client as they are. */
export class IngestError extends Error {
  override name = 'IngestError';
  /** Sent as `Retry-After` (seconds). */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** How long a 503 asks the client to wait before retrying. */
const UNAVAILABLE_RETRY_AFTER_S = 2;

/** Redis or the queue could not do its part in time: 503, never a 202. */
export function unavailable(cause: unknown): IngestError {
  return new IngestError(
    503,
    ERROR_CODES.unavailable,
    'the beacon could not be queued; try again later',
    { cause, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_S },
  );
}

// Fastify's own client errors, mapped onto our stable codes.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ERROR_CODES.bodyTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ERROR_CODES.unsupportedMediaType,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ERROR_CODES.badRequest,
  FST_ERR_CTP_EMPTY_JSON_BODY: ERROR_CODES.badBeacon,
  FST_ERR_CTP_EMPTY_TYPE: ERROR_CODES.unsupportedMediaType,
  FST_ERR_CTP_INVALID_TYPE: ERROR_CODES.unsupportedMediaType,
  FST_ERR_VALIDATION: ERROR_CODES.badRequest,
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function toResponse(err: FastifyError | IngestError): ErrorResponse {
  if (err instanceof IngestError) {
    return {
      statusCode: err.statusCode,
      code: err.code,
      error: STATUS_TEXT[err.statusCode] ?? 'Error',
      message: err.message,
    };
  }
  const status = err.statusCode ?? 500;
  if (status >= 500) {
    // Never leak the internals of a server-side failure.
    return {
      statusCode: 500,
      code: ERROR_CODES.internal,
      error: STATUS_TEXT[500]!,
      message: 'internal error',
    };
  }
  const code = FASTIFY_CODES[err.code] ?? ERROR_CODES.badRequest;
  return { statusCode: status, code, error: STATUS_TEXT[status] ?? 'Error', message: err.message };
}

/** The one error handler: every 4xx/5xx body is an {@link ErrorResponse}. */
export function errorHandler(
  err: FastifyError | IngestError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const body = toResponse(err);
  if (err instanceof IngestError && err.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(err.retryAfterSeconds));
  }
  if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
  else request.log.debug({ code: body.code, message: body.message }, 'request rejected');
  void reply.code(body.statusCode).send(body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const body: ErrorResponse = {
    statusCode: 404,
    code: ERROR_CODES.notFound,
    error: STATUS_TEXT[404]!,
    message: `route ${request.method} ${request.url.split('?')[0]} not found`,
  };
  void reply.code(404).send(body);
}
