/**
 * The error vocabulary: every 4xx/5xx answer of every service has this body and one of these
 * stable codes, which clients and dashboards may match on.
 */
export const ERROR_CODES = {
  // Any service
  badRequest: 'RUM_ERR_BAD_REQUEST',
  badParameter: 'RUM_ERR_BAD_PARAMETER',
  notFound: 'RUM_ERR_NOT_FOUND',
  rateLimited: 'RUM_ERR_RATE_LIMITED',
  unavailable: 'RUM_ERR_UNAVAILABLE',
  internal: 'RUM_ERR_INTERNAL',
  // Ingest
  badBeacon: 'RUM_ERR_BAD_BEACON',
  missingKey: 'RUM_ERR_MISSING_KEY',
  unknownKey: 'RUM_ERR_UNKNOWN_KEY',
  expiredKey: 'RUM_ERR_EXPIRED_KEY',
  originNotAllowed: 'RUM_ERR_ORIGIN_NOT_ALLOWED',
  bodyTooLarge: 'RUM_ERR_BODY_TOO_LARGE',
  unsupportedMediaType: 'RUM_ERR_UNSUPPORTED_MEDIA_TYPE',
  // Read access (query API, websocket)
  unauthorized: 'RUM_ERR_UNAUTHORIZED',
  forbidden: 'RUM_ERR_FORBIDDEN',
  projectNotFound: 'RUM_ERR_PROJECT_NOT_FOUND',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Body of every 4xx/5xx answer of ingest-api, query-api and the workers' and websocket's HTTP. */
export interface ErrorResponse {
  statusCode: number;
  code: ErrorCode;
  error: string;
  message: string;
  /** On a 400: the query or path parameter at fault, e.g. `metric`. */
  parameter?: string;
}
