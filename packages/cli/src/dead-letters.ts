/** The dead letters the workers keep (see services/workers/src/dead-letters.ts), as `rum dead-letter` shows them. */
import type pg from 'pg';

export interface DeadLetterRow {
  id: number;
  time: string;
  project: string | null;
  job: string;
  beacon: number;
  reason: string;
  /** What was received, parsed back from its JSON text. */
  payload: unknown;
}

/** Oldest first, optionally of one project. */
export async function listDeadLetters(pool: pg.Pool, project?: string): Promise<DeadLetterRow[]> {
  const { rows } = await pool.query<{
    id: string;
    time: Date;
    project: string | null;
    job: string;
    beacon_index: number;
    reason: string;
    payload: string;
  }>(
    `SELECT id, time, project, job, beacon_index, reason, payload FROM dead_letters
      WHERE $1::text IS NULL OR project = $1 ORDER BY id`,
    [project ?? null],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    time: r.time.toISOString(),
    project: r.project,
    job: r.job,
    beacon: r.beacon_index,
    reason: r.reason,
    payload: JSON.parse(r.payload) as unknown,
  }));
}

/** Removes the dead letters (of one project); returns how many. */
export async function purgeDeadLetters(pool: pg.Pool, project?: string): Promise<number> {
  const { rowCount } = await pool.query(
    'DELETE FROM dead_letters WHERE $1::text IS NULL OR project = $1',
    [project ?? null],
  );
  return rowCount ?? 0;
}
