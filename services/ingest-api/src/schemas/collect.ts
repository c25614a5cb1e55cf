import { ERROR_RESPONSE_SCHEMA } from '@rum/server-kit/http';

/**
 * POST /v1/collect. The body is not described here: it is validated by the contract's joi
 * schema (`validateBeacon` from @rum/contract/schema), the single definition of the beacon,
 * which the workers apply again to each job and whose types and caps the SDK builds on.
 */
export const collectSchema = {
  summary: 'Accept one beacon of web-vitals events and JS errors',
  querystring: {
    type: 'object',
    properties: {
      key: { type: 'string', description: 'Ingest key (or the x-api-key header)' },
    },
  },
  headers: {
    type: 'object',
    properties: {
      'x-api-key': { type: 'string', description: 'Ingest key (or ?key=)' },
    },
  },
  response: {
    202: {
      description: 'The beacon is in the queue in Redis',
      type: 'object',
      required: ['accepted'],
      properties: { accepted: { type: 'integer', description: 'Events plus errors accepted' } },
    },
    '4xx': ERROR_RESPONSE_SCHEMA,
    '5xx': ERROR_RESPONSE_SCHEMA,
  },
} as const;
