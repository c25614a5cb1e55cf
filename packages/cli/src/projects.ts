import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { publishIngestKey, signReadToken, type IngestProject, type Redis } from '@rum/shared';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 10_000;

export interface NewProject {
  slug: string;
  name?: string;
  domains?: string[];
  origins?: string[];
  rateLimitPerMinute?: number;
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
  ingestKey: string;
  allowedOrigins: string[];
  domains: string[];
  rateLimitPerMinute: number;
  createdAt: string;
}

export class ProjectExistsError extends Error {
  override name = 'ProjectExistsError';
}

function toIngestProject(row: ProjectRow): IngestProject {
  return {
    id: row.id,
    slug: row.slug,
    allowedOrigins: row.allowedOrigins,
    rateLimitPerMinute: row.rateLimitPerMinute,
  };
}

const SELECT_PROJECTS = `SELECT id, slug, name, ingest_key AS "ingestKey", allowed_origins AS "allowedOrigins",
  domains, rate_limit_per_minute AS "rateLimitPerMinute", created_at AS "createdAt" FROM projects`;

/**
 * Stores a project and publishes its ingest key to Redis, in one step: if Redis refuses,
 * the insert is rolled back, so a failed create changes nothing.
 */
export async function createProject(
  pool: pg.Pool,
  redis: Redis,
  input: NewProject,
  jwtSecret: string,
): Promise<CreatedProject> {
  if (!SLUG_PATTERN.test(input.slug)) {
    throw new Error(
      `invalid project name "${input.slug}": use lower-case letters, digits and dashes (max 63)`,
    );
  }
  const ingestKey = `pk_${randomBytes(16).toString('hex')}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<ProjectRow>(
      `INSERT INTO projects (slug, name, ingest_key, allowed_origins, domains, rate_limit_per_minute)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slug) DO NOTHING
       RETURNING id, slug, name, ingest_key AS "ingestKey", allowed_origins AS "allowedOrigins",
         domains, rate_limit_per_minute AS "rateLimitPerMinute", created_at AS "createdAt"`,
      [
        input.slug,
        input.name ?? input.slug,
        ingestKey,
        input.origins ?? [],
        input.domains ?? [],
        input.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
      ],
    );
    const row = rows[0];
    if (!row)
      throw new ProjectExistsError(`project "${input.slug}" already exists; nothing was changed`);
    await publishIngestKey(redis, ingestKey, toIngestProject(row));
    await client.query('COMMIT');
    return { project: row.slug, ingestKey, readToken: signReadToken(row.slug, jwtSecret) };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function listProjects(pool: pg.Pool): Promise<ProjectRow[]> {
  const { rows } = await pool.query<ProjectRow>(`${SELECT_PROJECTS} ORDER BY id`);
  return rows;
}

export async function findProject(pool: pg.Pool, slug: string): Promise<ProjectRow | null> {
  const { rows } = await pool.query<ProjectRow>(`${SELECT_PROJECTS} WHERE slug = $1`, [slug]);
  return rows[0] ?? null;
}

/**
 * Republishes every project's ingest key to Redis. The database is the source of truth;
 * Redis may have been flushed or replaced since the projects were created.
 */
export async function syncIngestKeys(pool: pg.Pool, redis: Redis): Promise<number> {
  const projects = await listProjects(pool);
  for (const project of projects)
    await publishIngestKey(redis, project.ingestKey, toIngestProject(project));
  return projects.length;
}
