import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import type { ErrorResponse } from '@rum/shared/contract';
import { STATUS_CODES } from 'node:http';
import { ApiError, ERROR_CODES } from '../lib/api-error.ts';

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

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
  code: string,
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

/**
 * The one error handler: every 4xx/5xx is an `ErrorResponse` with a stable code; a 400 names
 * its parameter; 5xx details are logged, never sent.
 */
export default fp(
  async (app) => {
    app.setErrorHandler(async (err: FastifyError | ApiError, request, reply) => {
      if (err instanceof ApiError) {
        return reply
          .code(err.statusCode)
          .send(body(err.statusCode, err.code, err.message, err.parameter));
      }
      const issue = err.validation?.[0];
      if (issue) {
        const parameter = parameterOf(issue);
        const where = err.validationContext === 'params' ? 'path parameter' : 'parameter';
        return reply
          .code(400)
          .send(
            body(
              400,
              ERROR_CODES.badParameter,
              `${where} "${parameter}" ${describe(issue)}`,
              parameter,
            ),
          );
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return reply
          .code(status)
          .send(body(status, err.code ?? 'RUM_ERR_BAD_REQUEST', err.message));
      }
      request.log.error({ err }, 'request failed');
      return reply
        .code(500)
        .send(body(500, ERROR_CODES.internal, 'internal error; see the query-api log'));
    });

    app.setNotFoundHandler(async (request, reply) =>
      reply
        .code(404)
        .send(body(404, ERROR_CODES.notFound, `no route GET ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'errors', fastify: '5.x' },
);
