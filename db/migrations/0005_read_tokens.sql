-- Read tokens (JWTs scoped to one project) carry an id and an expiry; this is their registry,
-- so they can be listed and revoked (`rum token create|list|revoke`). The token itself is not
-- stored. Revoked ids are copied to Redis for the query API and the websocket service.
CREATE TABLE read_tokens (
  id         text PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name       text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  CHECK (expires_at > created_at)
);

CREATE INDEX read_tokens_project_idx ON read_tokens (project_id, created_at DESC);
