import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { PROJECT_SLUG_PATTERN } from '@rum/contract';
import { ingestProjectOf, publishIngestKey, type Redis } from '@rum/server-kit';
import { withTransaction } from './db.ts';
import { ProjectExistsError, ProjectNotFoundError } from './domain-errors.ts';
import { createReadToken } from './read-tokens.ts';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 10_000;

export interface NewProject {
  slug: string;
  name?: string;
  domains?: string[];
  origins?: string[];
  rateLimitPerMinute?: number;
  /** Lifetime of the read token created with the project; default 90 days. */
  readTokenTtlMs?: number;
}

export interface CreatedProject {
  project: string;
  ingestKey: string;
  readToken: string;
}

export interface ProjectRow {
  id: number;
  slug: string;
  name: string;
  /** The current ingest key (the newest one without an end). */
  ingestKey: string;
  allowedOrigins: string[];
  domains: string[];
  rateLimitPerMinute: number;
  createdAt: string;
}

function newIngestKey(): string {
  return `pk_${randomBytes(16).toString('hex')}`;
}

const SELECT_PROJECTS = `SELECT p.id, p.slug, p.name, k.key AS "ingestKey", p.allowed_origins AS "allowedOrigins",
  p.domains, p.rate_limit_per_minute AS "rateLimitPerMinute", p.created_at AS "createdAt"
  FROM projects p
  LEFT JOIN LATERAL (SELECT key FROM ingest_keys WHERE project_id = p.id AND expires_at IS NULL
                     ORDER BY created_at DESC LIMIT 1) k ON true`;

interface ProjectSettings {
  id: number;
  slug: string;
  allowed_origins: string[];
  rate_limit_per_minute: number;
}

/**
 * Stores a project, its ingest key and a read token, and publishes the key to Redis, in one
 * step: if Redis refuses, the insert is rolled back, so a failed create changes nothing.
 */
export async function createProject(
  pool: pg.Pool,
  redis: Redis,
  input: NewProject,
  jwtSecret: string,
): Promise<CreatedProject> {
  if (!PROJECT_SLUG_PATTERN.test(input.slug)) {
    throw new Error(
      `invalid project name "${input.slug}": use lower-case letters, digits and dashes (max 63)`,
    );
  }
  const ingestKey = newIngestKey();
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<ProjectSettings>(
      `INSERT INTO projects (slug, name, allowed_origins, domains, rate_limit_per_minute)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING
       RETURNING id, slug, allowed_origins, rate_limit_per_minute`,
      [
        input.slug,
        input.name ?? input.slug,
        input.origins ?? [],
        input.domains ?? [],
        input.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
      ],
    );
    const created = rows[0];
    if (!created)
      throw new ProjectExistsError(`project "${input.slug}" already exists; nothing was changed`);
    await client.query('INSERT INTO ingest_keys (key, project_id) VALUES ($1, $2)', [
      ingestKey,
      created.id,
    ]);
    const { token } = await createReadToken(client, created.slug, jwtSecret, {
      name: 'created with the project',
      ...(input.readTokenTtlMs ? { ttlMs: input.readTokenTtlMs } : {}),
    });
    await publishIngestKey(redis, ingestKey, ingestProjectOf(created, null));
    return { project: created.slug, ingestKey, readToken: token };
  });
}

export interface RotatedKey {
  project: string;
  ingestKey: string;
  /** When the keys it replaces stop working (ISO). */
  previousKeysExpireAt: string;
}

/**
 * Gives project `slug` a new ingest key; its current keys keep working for `graceMs` (so pages
 * cached with the old one lose nothing), then are refused. Database and Redis change together.
 */
export async function rotateIngestKey(
  pool: pg.Pool,
  redis: Redis,
  slug: string,
  graceMs: number,
): Promise<RotatedKey> {
  const ingestKey = newIngestKey();
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<ProjectSettings>(
      `SELECT id, slug, allowed_origins, rate_limit_per_minute FROM projects WHERE slug = $1 FOR UPDATE`,
      [slug],
    );
    const project = rows[0];
    if (!project) throw new ProjectNotFoundError(`project "${slug}" does not exist`);
    // A key already ending sooner keeps its earlier end.
    const { rows: ending } = await client.query<{ key: string; expires_at: Date }>(
      `UPDATE ingest_keys SET expires_at = now() + $2 * interval '1 millisecond'
        WHERE project_id = $1 AND (expires_at IS NULL OR expires_at > now() + $2 * interval '1 millisecond')
        RETURNING key, expires_at`,
      [project.id, graceMs],
    );
    const { rows: inserted } = await client.query<{ expires_at: Date }>(
      `INSERT INTO ingest_keys (key, project_id) VALUES ($1, $2) RETURNING now() + $3 * interval '1 millisecond' AS expires_at`,
      [ingestKey, project.id, graceMs],
    );
    for (const old of ending) {
      await publishIngestKey(redis, old.key, ingestProjectOf(project, old.expires_at.getTime()));
    }
    await publishIngestKey(redis, ingestKey, ingestProjectOf(project, null));
    return {
      project: project.slug,
      ingestKey,
      previousKeysExpireAt: inserted[0]!.expires_at.toISOString(),
    };
  });
}

export async function listProjects(pool: pg.Pool): Promise<ProjectRow[]> {
  const { rows } = await pool.query<ProjectRow>(`${SELECT_PROJECTS} ORDER BY p.id`);
  return rows;
}

export async function findProject(pool: pg.Pool, slug: string): Promise<ProjectRow | null> {
  const { rows } = await pool.query<ProjectRow>(`${SELECT_PROJECTS} WHERE p.slug = $1`, [slug]);
  return rows[0] ?? null;
}
