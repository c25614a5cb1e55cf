import type { FastifyPluginAsync } from 'fastify';
import type { ErrorsResponse, ListQuery } from '@rum/contract';
import { queryErrors } from '../../queries/errors.ts';
import { errorsQuery } from '../../schemas/query-strings.ts';
import { errorsResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

const errors: FastifyPluginAsync = async (app) => {
  cachedRoute<ListQuery & { limit: number }, ErrorsResponse>(app, {
    operation: 'errors',
    summary: 'JS errors grouped by fingerprint: count, sessions, first / last seen, a sample stack',
    querystring: errorsQuery,
    response: errorsResponse,
    // js_errors has no rollup: always read raw.
    answer: async ({ query: { limit }, window, filters, windowBody }) => ({
      ...windowBody('raw'),
      errors: await queryErrors(app.db, { filters, window, limit }),
    }),
  });
};

export default errors;
