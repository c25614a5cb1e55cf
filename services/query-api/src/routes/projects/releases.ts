import type { FastifyPluginAsync } from 'fastify';
import type { Range, ReleasesQuery, ReleasesResponse } from '@rum/contract';
import { resolveWindow } from '@rum/server-kit/aggregates';
import { queryReleases } from '../../queries/releases.ts';
import { releasesQuery } from '../../schemas/query-strings.ts';
import { releasesResponse } from '../../schemas/responses.ts';
import { cachedRoute } from './cached-route.ts';

/** A release list looks further back than the other routes' default day. */
const DEFAULT_RELEASES_RANGE: Range = '30d';

const releases: FastifyPluginAsync = async (app) => {
  cachedRoute<ReleasesQuery & { limit: number }, ReleasesResponse>(app, {
    operation: 'releases',
    summary:
      'Releases seen in the window, newest first: first and last seen, and count, p75 and shares per metric',
    querystring: releasesQuery,
    response: releasesResponse,
    window: (query) =>
      resolveWindow(
        query.from === undefined
          ? { ...query, range: query.range ?? DEFAULT_RELEASES_RANGE }
          : query,
      ),
    answer: async ({ query, window, filters, windowBody }) => {
      const { source, rows } = await queryReleases(app, {
        filters,
        window,
        limit: query.limit,
        compare: query.compare === 'previous',
      });
      return { ...windowBody(source), releases: rows };
    },
  });
};

export default releases;
