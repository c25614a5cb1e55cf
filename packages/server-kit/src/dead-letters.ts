/**
 * Dead letters: beacons that can never be stored (they fail the wire contract, or the database
 * refuses them for a reason no retry will fix), kept in the `dead_letters` table with their
 * reason, project and time, in the same transaction as the rows of their job, so a job's good
 * beacons and its dead letters are committed together, exactly once (`(job, beacon_index)` is
 * unique). `rum dead-letter list|purge` reads and removes them (listDeadLetters, purgeDeadLetters).
 */
import { isStorableText } from '@rum/contract';
import type { Pool, PoolClient } from './db.ts';

export interface DeadLetter {
  /** Position of the beacon in its job; -1 when the whole job was unreadable. */
  index: number;
  projectId: number | null;
  project: string | null;
  reason: string;
  /** What was received, as it was (JSON-encoded for storage). */
  data: unknown;
}

/** Longest payload kept; a job is at most a few hundred kilobytes, a beacon at most 64 KiB. */
const MAX_PAYLOAD_CHARS = 1_000_000;
const MAX_REASON_CHARS = 2000;

/** Text the database can store, whatever a hostile beacon put in it (U+FFFD for the rest). */
function storable(text: string, max: number): string {
  const cut = text.slice(0, max);
  return isStorableText(cut) ? cut : cut.replace(/[\0\uD800-\uDFFF]/gu, '\uFFFD');
}

/** The project a dead beacon claims, as far as it can be read. */
export function claimedProject(data: unknown): Pick<DeadLetter, 'projectId' | 'project'> {
  const item = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const id = item.projectId;
  const slug = item.project;
  return {
    projectId:
      Number.isInteger(id) && (id as number) > 0 && (id as number) < 2 ** 31
        ? (id as number)
        : null,
    project: typeof slug === 'string' ? storable(slug, 64) : null,
  };
}

/**
 * Inserts the dead letters of job `jobKey` on `client` (inside the job's transaction).
 * `JSON.stringify` escapes U+0000 and unpaired surrogates, so the payload is always storable
 * and can be parsed back to exactly what was received.
 */
export async function insertDeadLetters(
  client: PoolClient,
  jobKey: string,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  await client.query(
    `INSERT INTO dead_letters (job, beacon_index, project_id, project, reason, payload)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (job, beacon_index) DO NOTHING`,
    [
      letters.map(() => jobKey),
      letters.map((l) => l.index),
      letters.map((l) => l.projectId),
      letters.map((l) => l.project),
      letters.map((l) => storable(l.reason, MAX_REASON_CHARS)),
      letters.map((l) => storable(JSON.stringify(l.data) ?? 'null', MAX_PAYLOAD_CHARS)),
    ],
  );
}

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
export async function listDeadLetters(pool: Pool, project?: string): Promise<DeadLetterRow[]> {
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
export async function purgeDeadLetters(pool: Pool, project?: string): Promise<number> {
  const { rowCount } = await pool.query(
    'DELETE FROM dead_letters WHERE $1::text IS NULL OR project = $1',
    [project ?? null],
  );
  return rowCount ?? 0;
}
