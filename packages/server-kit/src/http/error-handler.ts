import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ERROR_CODES, type ErrorCode, type ErrorResponse } from '@rum/contract';
import { ServiceError } from './service-error.ts';

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** Fastify's own client errors, as our stable codes: its `FST_…` codes never reach a client. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ERROR_CODES.bodyTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ERROR_CODES.unsupportedMediaType,
  FST_ERR_CTP_EMPTY_TYPE: ERROR_CODES.unsupportedMediaType,
  FST_ERR_CTP_INVALID_TYPE: ERROR_CODES.unsupportedMediaType,
};

/** The parameter an ajv issue is about: `/metric` -> metric; missing or extra properties by name. */
function parameterOf(issue: ValidationIssue): string {
  const params = issue.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty) return params.missingProperty;
  if (params.additionalProperty) return params.additionalProperty;
  return issue.instancePath.replace(/^\//, '').split('/')[0] || 'query';
}

function describe(issue: ValidationIssue): string {
  const params = issue.params as { allowedValues?: unknown[]; additionalProperty?: string };
  if (params.additionalProperty) return 'is not a parameter of this route';
  if (params.allowedValues) return `must be one of ${params.allowedValues.join(', ')}`;
  return issue.message ?? 'is invalid';
}

function body(
  statusCode: number,
  code: ErrorCode,
  message: string,
  parameter?: string,
): ErrorResponse {
  return {
    statusCode,
    code,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(parameter ? { parameter } : {}),
  };
}

/** JSON schema of {@link ErrorResponse}, for routes to declare their 4xx/5xx answers. */
export const ERROR_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', enum: Object.values(ERROR_CODES) },
    error: { type: 'string' },
    message: { type: 'string' },
    parameter: { type: 'string' },
  },
} as const;

/** The answer to `err`: a {@link ServiceError} as it is; anything else mapped, 5xx details hidden. */
export function toErrorResponse(err: FastifyError | ServiceError): ErrorResponse {
  if (err instanceof ServiceError)
    return body(err.statusCode, err.code, err.message, err.parameter);
  const issue = err.validation?.[0];
  if (issue) {
    const parameter = parameterOf(issue);
    const where = err.validationContext === 'params' ? 'path parameter' : 'parameter';
    return body(
      400,
      ERROR_CODES.badParameter,
      `${where} "${parameter}" ${describe(issue)}`,
      parameter,
    );
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return body(status, FASTIFY_CODES[err.code] ?? ERROR_CODES.badRequest, err.message);
  }
  return body(500, ERROR_CODES.internal, 'internal error; see the service log');
}

/**
 * The one error handler of every service: every 4xx/5xx body is an {@link ErrorResponse} with a
 * stable code; a 400 names its parameter; a 503 says when to retry; 5xx details are logged,
 * never sent. Unknown routes are a 404 of the same shape.
 */
export const errorHandler = fp(
  async (app) => {
    app.setErrorHandler(
      (err: FastifyError | ServiceError, request: FastifyRequest, reply: FastifyReply) => {
        const response = toErrorResponse(err);
        if (err instanceof ServiceError && err.retryAfterSeconds !== undefined) {
          void reply.header('retry-after', String(err.retryAfterSeconds));
        }
        if (response.statusCode >= 500) request.log.error({ err }, 'request failed');
        else
          request.log.debug({ code: response.code, message: response.message }, 'request refused');
        void reply.code(response.statusCode).send(response);
      },
    );
    app.setNotFoundHandler((request, reply) => {
      void reply
        .code(404)
        .send(
          body(
            404,
            ERROR_CODES.notFound,
            `route ${request.method} ${request.url.split('?')[0]} not found`,
          ),
        );
    });
  },
  { name: 'rum-errors', fastify: '5.x' },
);
