/** Read tokens: created, listed and revoked here; verified by the query API and the websocket service. */
import type pg from 'pg';
import {
  DEFAULT_READ_TOKEN_TTL_MS,
  newTokenId,
  publishRevokedToken,
  signReadToken,
  type Redis,
} from '@rum/server-kit';
import { withTransaction } from './db.ts';
import { ProjectNotFoundError, TokenNotFoundError } from './domain-errors.ts';

export interface CreatedToken {
  id: string;
  token: string;
  project: string;
  expiresAt: string;
}

export interface TokenRow {
  id: string;
  project: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface StoredToken {
  id: string;
  slug: string;
  created_at: Date;
  expires_at: Date;
}

function tokenOf(row: StoredToken, secret: string): CreatedToken {
  return {
    id: row.id,
    // The same id and times sign the same token again, so a stored row is enough to reissue it.
    token: signReadToken(row.slug, secret, {
      id: row.id,
      issuedAt: row.created_at.getTime(),
      expiresAt: row.expires_at.getTime(),
    }),
    project: row.slug,
    expiresAt: row.expires_at.toISOString(),
  };
}

/** Registers a new read token for project `slug` and returns it (the only time it is shown). */
export async function createReadToken(
  db: pg.Pool | pg.PoolClient,
  slug: string,
  secret: string,
  options: { ttlMs?: number; name?: string } = {},
): Promise<CreatedToken> {
  // Whole seconds: a JWT's iat and exp are in seconds, and re-signing must give the same token.
  const createdAt = Math.floor(Date.now() / 1000) * 1000;
  const { rows } = await db.query<StoredToken>(
    `INSERT INTO read_tokens (id, project_id, name, created_at, expires_at)
     SELECT $1, p.id, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0)
       FROM projects p WHERE p.slug = $2
     RETURNING id, $2 AS slug, created_at, expires_at`,
    [
      newTokenId(),
      slug,
      options.name ?? '',
      createdAt,
      createdAt + (options.ttlMs ?? DEFAULT_READ_TOKEN_TTL_MS),
    ],
  );
  if (!rows[0]) throw new ProjectNotFoundError(`project "${slug}" does not exist`);
  return tokenOf(rows[0], secret);
}

/**
 * The newest unrevoked token of project `slug` named `name` with more than `minRemainingMs`
 * to live, signed again; or a new one. `rum start` prints the same demo token every time.
 */
export async function reuseOrCreateReadToken(
  pool: pg.Pool,
  slug: string,
  secret: string,
  options: { name: string; ttlMs?: number; minRemainingMs: number },
): Promise<CreatedToken> {
  const { rows } = await pool.query<StoredToken>(
    `SELECT t.id, p.slug, t.created_at, t.expires_at
       FROM read_tokens t JOIN projects p ON p.id = t.project_id
      WHERE p.slug = $1 AND t.name = $2 AND t.revoked_at IS NULL
        AND t.expires_at > now() + $3 * interval '1 millisecond'
      ORDER BY t.created_at DESC LIMIT 1`,
    [slug, options.name, options.minRemainingMs],
  );
  return rows[0] ? tokenOf(rows[0], secret) : createReadToken(pool, slug, secret, options);
}

export async function listReadTokens(pool: pg.Pool, slug: string): Promise<TokenRow[]> {
  const { rows } = await pool.query<TokenRow & { projectExists: boolean }>(
    `SELECT t.id, p.slug AS project, t.name, t.created_at AS "createdAt",
            t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt"
       FROM projects p JOIN read_tokens t ON t.project_id = p.id
      WHERE p.slug = $1 ORDER BY t.created_at, t.id`,
    [slug],
  );
  if (rows.length === 0) {
    const { rowCount } = await pool.query('SELECT 1 FROM projects WHERE slug = $1', [slug]);
    if (!rowCount) throw new ProjectNotFoundError(`project "${slug}" does not exist`);
  }
  return rows.map((r) => ({
    id: r.id,
    project: r.project,
    name: r.name,
    createdAt: new Date(r.createdAt).toISOString(),
    expiresAt: new Date(r.expiresAt).toISOString(),
    revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
  }));
}

/**
 * Revokes token `id`: recorded in the database and announced through Redis in one step (if
 * Redis refuses, nothing changes), so every query-api and websocket instance stops honouring it
 * within seconds. Revoking a revoked token changes nothing and returns its first revocation.
 */
export async function revokeReadToken(
  pool: pg.Pool,
  redis: Redis,
  id: string,
): Promise<{ id: string; project: string; revokedAt: string }> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ project: string; revoked_at: Date; expires_at: Date }>(
      `UPDATE read_tokens t SET revoked_at = coalesce(t.revoked_at, now())
         FROM projects p WHERE p.id = t.project_id AND t.id = $1
       RETURNING p.slug AS project, t.revoked_at, t.expires_at`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new TokenNotFoundError(`read token "${id}" does not exist`);
    await publishRevokedToken(redis, id, row.expires_at.getTime());
    return { id, project: row.project, revokedAt: row.revoked_at.toISOString() };
  });
}
