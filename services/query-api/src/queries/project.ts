import type { Pool } from '@rum/server-kit';

/** The id of the project with this slug, or null when there is none. */
export async function queryProjectId(db: Pool, slug: string): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM projects WHERE slug = $1', [
    slug,
  ]);
  return rows[0]?.id ?? null;
}
