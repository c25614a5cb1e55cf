import fp from 'fastify-plugin';
import { createPool, type Pool } from '../db.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's PostgreSQL pool. */
    db: Pool;
  }
}

export interface DatabasePluginOptions {
  /** A pool owned by the caller (left open on close); otherwise one is made from `url`. */
  pool?: Pool;
  url?: string;
  poolSize?: number;
  /**
   * Settings each new connection of a pool made from `url` applies first (`SET name = value`),
   * e.g. `{ max_parallel_workers_per_gather: 0 }`. Names are ours, never a client's.
   */
  session?: Record<string, number>;
}

/** `app.db`: the pg pool; a pool the plugin created is ended when the app closes. */
export const database = fp<DatabasePluginOptions>(
  async (app, options) => {
    if (!options.pool && !options.url) throw new Error('database plugin: give a pool or a url');
    const pool = options.pool ?? createPool(options.url!, options.poolSize);
    if (!options.pool) {
      // An idle client whose server went away emits 'error' on the pool; unheard, it would
      // end the process. The next query fails instead, and is answered or retried.
      pool.on('error', (err) =>
        app.log.warn({ err: err.message }, 'idle database connection lost'),
      );
      const settings = Object.entries(options.session ?? {});
      if (settings.length > 0) {
        // Queued on the new client ahead of whatever it was connected for.
        const sql = settings.map(([name, value]) => `SET ${name} = ${Number(value)}`).join('; ');
        pool.on('connect', (client) => {
          client
            .query(sql)
            .catch((err: Error) =>
              app.log.warn({ err: err.message, sql }, 'session settings not applied'),
            );
        });
      }
      app.addHook('onClose', () => pool.end());
    }
    app.decorate('db', pool);
  },
  { name: 'rum-db', fastify: '5.x' },
);
