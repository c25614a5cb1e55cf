import type { FastifyPluginAsync } from 'fastify';
import type { SessionResponse } from '@rum/contract';
import { querySession } from '../../queries/session.ts';
import { sessionParams } from '../../schemas/query-strings.ts';
import { errorResponses, sessionResponse } from '../../schemas/responses.ts';

/** Every event of one session; not cached. */
const sessions: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { project: string; sid: string } }>(
    '/sessions/:sid',
    {
      schema: {
        summary: 'All metrics and errors of one session, oldest first',
        params: sessionParams,
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: sessionResponse, ...errorResponses },
      },
    },
    async (request): Promise<SessionResponse> =>
      querySession(app.db, request.project.id, request.params.sid),
  );
};

export default sessions;
