import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { InvalidTokenError, verifyReadToken } from '@rum/server-kit';
import { ERROR_CODES } from '@rum/contract';
import { ServiceError } from '@rum/server-kit/http';
import { queryProjectId } from '../queries/project.ts';

export interface AuthenticatedProject {
  id: number;
  slug: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every /v1/projects/:project route. */
    project: AuthenticatedProject;
  }
}

export interface AuthPluginOptions {
  jwtSecret: string;
  /** Where the token is read; default the `Authorization: Bearer` header ({@link bearerToken}). */
  tokenOf?: (request: FastifyRequest) => string | undefined;
  /**
   * `path` (default): the route's `:project` must be the token's project (else 403);
   * `token`: the token alone names the project (the CrUX-compatible routes have no project in
   * their path).
   */
  projectFrom?: 'path' | 'token';
}

/** Project ids are remembered this long (a deleted project stops answering within it). */
const PROJECT_ID_TTL_MS = 60_000;

/** The bearer token of a request, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * Read-token check for the routes of the context it is registered in, before validation:
 * no or bad token 401, token for another project 403, unknown project 404.
 */
export default fp<AuthPluginOptions>(
  async (app, opts) => {
    const projectIds = new Map<string, { id: number; expires: number }>();

    const lookup = async (slug: string): Promise<number | null> => {
      const known = projectIds.get(slug);
      if (known && known.expires > Date.now()) return known.id;
      const id = await queryProjectId(app.db, slug);
      if (id === null) projectIds.delete(slug);
      else projectIds.set(slug, { id, expires: Date.now() + PROJECT_ID_TTL_MS });
      return id;
    };

    app.decorateRequest('project', null as unknown as AuthenticatedProject);
    app.addHook('preValidation', async (request) => {
      const token = opts.tokenOf
        ? opts.tokenOf(request)
        : bearerToken(request.headers.authorization);
      if (!token) {
        throw new ServiceError(
          401,
          ERROR_CODES.unauthorized,
          'missing read token: send Authorization: Bearer <token>',
        );
      }
      let project: string;
      let tokenId: string;
      try {
        ({ project, id: tokenId } = verifyReadToken(token, opts.jwtSecret));
      } catch (err) {
        if (err instanceof InvalidTokenError) {
          throw new ServiceError(
            401,
            ERROR_CODES.unauthorized,
            `invalid read token: ${err.message}`,
          );
        }
        throw err;
      }
      if (app.revokedTokens.has(tokenId)) {
        throw new ServiceError(401, ERROR_CODES.unauthorized, `read token ${tokenId} was revoked`);
      }
      const slug =
        opts.projectFrom === 'token'
          ? project
          : ((request.params as { project?: string }).project ?? '');
      if (project !== slug) {
        throw new ServiceError(
          403,
          ERROR_CODES.forbidden,
          `this token reads project "${project}" only`,
        );
      }
      const id = await lookup(slug);
      if (id === null)
        throw new ServiceError(
          404,
          ERROR_CODES.projectNotFound,
          `project "${slug}" does not exist`,
        );
      request.project = { id, slug };
    });
  },
  { name: 'auth', fastify: '5.x', dependencies: ['rum-db', 'revoked-tokens'] },
);
