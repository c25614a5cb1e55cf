import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const SCHEMA_PATH = fileURLToPath(new URL('../../../db/schema.sql', import.meta.url));

/** Applies db/schema.sql; idempotent, so it runs on every start. */
export async function migrate(client: pg.ClientBase | pg.Pool): Promise<void> {
  await client.query(readFileSync(SCHEMA_PATH, 'utf8'));
}
