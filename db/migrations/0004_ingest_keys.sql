-- Ingest keys in a table of their own, so a project can have several at once while a rotated
-- key's grace period runs (`rum project rotate-key`). The database is their source of truth;
-- Redis holds the copy ingest-api reads.
CREATE TABLE ingest_keys (
  key        text PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- When a rotated key stops being accepted; NULL: the current key.
  expires_at timestamptz
);

CREATE INDEX ingest_keys_project_idx ON ingest_keys (project_id);

INSERT INTO ingest_keys (key, project_id, created_at)
SELECT ingest_key, id, created_at FROM projects;

ALTER TABLE projects DROP COLUMN ingest_key;
