import fp from 'fastify-plugin';
import { RollupCatalog } from '@rum/server-kit/aggregates';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where the rollups' rows are, and how far they are materialised. */
    rollups: RollupCatalog;
  }
}

/** `app.rollups`, read from the database's catalog on first use. */
export default fp(
  async (app) => {
    app.decorate('rollups', new RollupCatalog(app.db));
  },
  { name: 'rollups', fastify: '5.x', dependencies: ['rum-db'] },
);
