-- Dead letters: beacons the workers could never store (they fail the wire contract, or the
-- database refuses them for a reason no retry fixes), kept with their reason, so one bad beacon
-- never takes the rest of its job with it. Written in the job's own transaction; a retried job
-- adds nothing ((job, beacon_index) is unique). `rum dead-letter list|purge`.
CREATE TABLE dead_letters (
  id           bigserial PRIMARY KEY,
  time         timestamptz NOT NULL DEFAULT now(),
  -- Queue, Bull job id and the job's creation time (ms).
  job          text NOT NULL,
  -- Position of the beacon in its job; -1 when the whole job could not be read.
  beacon_index integer NOT NULL,
  -- The project the beacon claims (not a foreign key: a forged job may name any).
  project_id   integer,
  project      text,
  reason       text NOT NULL,
  -- What was received, as JSON text (U+0000 and lone surrogates stay escaped).
  payload      text NOT NULL,
  CONSTRAINT dead_letters_job_beacon UNIQUE (job, beacon_index)
);

CREATE INDEX dead_letters_project_time_idx ON dead_letters (project, time DESC);
