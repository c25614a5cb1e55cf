/**
 * Errors the query API answers with a stable code. Thrown from hooks, the window resolver
 * and handlers; turned into an `ErrorResponse` body by the one error handler in app.ts.
 */
export const ERROR_CODES = {
  badParameter: 'RUM_ERR_BAD_PARAMETER',
  unauthorized: 'RUM_ERR_UNAUTHORIZED',
  forbidden: 'RUM_ERR_FORBIDDEN',
  projectNotFound: 'RUM_ERR_PROJECT_NOT_FOUND',
  notFound: 'RUM_ERR_NOT_FOUND',
  rateLimited: 'RUM_ERR_RATE_LIMITED',
  internal: 'RUM_ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** A 400 naming the query or path parameter at fault. */
export function badParameter(parameter: string, message: string): ApiError {
  return new ApiError(
    400,
    ERROR_CODES.badParameter,
    `parameter "${parameter}" ${message}`,
    parameter,
  );
}
