import type { FastifyPluginAsync } from 'fastify';
import type { AlertEventsResponse, AlertsResponse } from '@rum/contract';
import { listAlertEvents, listAlertRules } from '@rum/server-kit';
import { alertEventsQuery } from '../../schemas/query-strings.ts';
import { alertEventsResponse, alertsResponse, errorResponses } from '../../schemas/responses.ts';

/**
 * The project's alert rules with their current state, and their history. Not cached: a state
 * changes at most once a minute and a dashboard banner must not lag behind it. Rules are
 * created and deleted with `rum alert` (this API is read-only); secrets and webhook URLs,
 * which may hold a token, are never answered.
 */
const alerts: FastifyPluginAsync = async (app) => {
  app.get(
    '/alerts',
    {
      schema: {
        summary: 'Alert rules (rum alert create) and their current state',
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: alertsResponse, ...errorResponses },
      },
    },
    async (request): Promise<AlertsResponse> => ({
      alerts: await listAlertRules(app.db, request.project.id),
    }),
  );
  app.get<{ Querystring: { limit: number } }>(
    '/alert-events',
    {
      schema: {
        summary: 'Alert state changes (firing, resolved) and their delivery, newest first',
        querystring: alertEventsQuery,
        response: { 200: alertEventsResponse, ...errorResponses },
      },
    },
    async (request): Promise<AlertEventsResponse> => ({
      events: await listAlertEvents(app.db, request.project.id, request.query.limit),
    }),
  );
};

export default alerts;
