import fp from 'fastify-plugin';
import { RevokedTokens } from '@rum/server-kit';

declare module 'fastify' {
  interface FastifyInstance {
    revokedTokens: RevokedTokens;
  }
}

/** The revoked read tokens, as `app.revokedTokens`, kept current from Redis. */
export default fp(
  async (app) => {
    const revoked = new RevokedTokens(app.redis);
    revoked.start();
    app.decorate('revokedTokens', revoked);
    app.addHook('onClose', async () => revoked.close());
  },
  { name: 'revoked-tokens', fastify: '5.x', dependencies: ['rum-redis'] },
);
