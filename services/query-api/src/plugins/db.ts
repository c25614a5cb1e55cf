import fp from 'fastify-plugin';
import { createPool, type Pool } from '@rum/shared';

declare module 'fastify' {
  interface FastifyInstance {
    db: Pool;
  }
}

export interface DbPluginOptions {
  /** A pool owned by the caller (left open on close); otherwise one is made from `databaseUrl`. */
  pool?: Pool;
  databaseUrl?: string;
  poolSize?: number;
}

/** The pg pool, as `app.db`; a pool the plugin created is ended when the app closes. */
export default fp<DbPluginOptions>(
  async (app, opts) => {
    const pool = opts.pool ?? createPool(requireUrl(opts.databaseUrl), opts.poolSize);
    if (!opts.pool) {
      pool.on('error', (err) => app.log.error({ err }, 'idle PostgreSQL client failed'));
      app.addHook('onClose', () => pool.end());
    }
    app.decorate('db', pool);
  },
  { name: 'db', fastify: '5.x' },
);

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('db plugin: give either a pool or a databaseUrl');
  return url;
}
