import { ERROR_CODES, type ErrorCode } from '@rum/contract';

export interface ServiceErrorOptions extends ErrorOptions {
  /** On a 400: the query or path parameter at fault. */
  parameter?: string;
  /** Sent as `Retry-After`, in seconds. */
  retryAfterSeconds?: number;
}

/** An error whose status, stable code and message go to the client as they are. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly parameter: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    options: ServiceErrorOptions = {},
  ) {
    super(message, options);
    this.parameter = options.parameter;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A 400 naming the query or path parameter at fault. */
export function badParameter(parameter: string, message: string): ServiceError {
  return new ServiceError(400, ERROR_CODES.badParameter, `parameter "${parameter}" ${message}`, {
    parameter,
  });
}

/** How long a 503 asks the client to wait, unless said otherwise. */
const UNAVAILABLE_RETRY_AFTER_S = 2;

/** A dependency (Redis, the queue, the database) could not do its part in time: 503. */
export function unavailable(
  message: string,
  cause?: unknown,
  retryAfterSeconds = UNAVAILABLE_RETRY_AFTER_S,
): ServiceError {
  return new ServiceError(503, ERROR_CODES.unavailable, message, { cause, retryAfterSeconds });
}
