-- RUM schema for TimescaleDB 2.x on PostgreSQL 15+ (and the embedded PGlite build).
-- The readable whole schema, kept equal to what db/migrations/ produce (a test compares the
-- two catalogs: packages/server-kit/test/schema-sync.test.ts). Not applied by
-- `npx rum migrate`, which applies the migrations: a schema change is a new migration plus
-- the same change here.

CREATE EXTENSION IF NOT EXISTS timescaledb;

-- Projects: one per site owner account; created by `rum project create`.
CREATE TABLE IF NOT EXISTS projects (
  id                    serial PRIMARY KEY,
  slug                  text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name                  text NOT NULL,
  -- Origins allowed to send beacons; empty means any.
  allowed_origins       text[] NOT NULL DEFAULT '{}',
  -- Domains the project owns; informational, shown by `rum project list`.
  domains               text[] NOT NULL DEFAULT '{}',
  rate_limit_per_minute integer NOT NULL DEFAULT 10000 CHECK (rate_limit_per_minute > 0),
  created_at            timestamptz NOT NULL DEFAULT now()
);

-- Ingest keys, several per project while a rotated key's grace period runs
-- (`rum project rotate-key`). The source of truth; Redis holds the copy ingest-api reads.
CREATE TABLE IF NOT EXISTS ingest_keys (
  key        text PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- When a rotated key stops being accepted; NULL: the current key.
  expires_at timestamptz
);

CREATE INDEX IF NOT EXISTS ingest_keys_project_idx ON ingest_keys (project_id);

-- Read tokens (JWTs scoped to one project): their registry, so they can be listed and revoked
-- (`rum token create|list|revoke`). The token itself is not stored. Revoked ids are copied to
-- Redis for the query API and the websocket service.
CREATE TABLE IF NOT EXISTS read_tokens (
  id         text PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name       text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  CHECK (expires_at > created_at)
);

CREATE INDEX IF NOT EXISTS read_tokens_project_idx ON read_tokens (project_id, created_at DESC);

-- Websites and pages are created by the workers on first sight (upsert).
CREATE TABLE IF NOT EXISTS websites (
  id         serial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  domain     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, domain)
);

CREATE TABLE IF NOT EXISTS pages (
  id         serial PRIMARY KEY,
  website_id integer NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
  path       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (website_id, path)
);

-- One row per web-vitals metric instance (id) per session.
-- `time` is when the SDK first reported that metric id, so a re-report (CLS and INP are
-- reported again with the same id when they grow) hits the same unique key.
CREATE TABLE IF NOT EXISTS metrics (
  time            timestamptz NOT NULL,
  project_id      integer NOT NULL,
  website_id      integer NOT NULL,
  page_id         integer NOT NULL,
  session_id      text NOT NULL,
  metric_id       text NOT NULL,
  name            text NOT NULL CHECK (name IN ('LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID')),
  value           double precision NOT NULL CHECK (value >= 0),
  delta           double precision,
  rating          text NOT NULL CHECK (rating IN ('good', 'needs-improvement', 'poor')),
  navigation_type text,
  device_type     text NOT NULL,
  browser         text NOT NULL,
  os              text NOT NULL,
  country         text NOT NULL,
  connection      text NOT NULL DEFAULT 'unknown',
  attribution     jsonb,
  -- Log-spaced histogram bin (ratio 1.02; CLS in thousandths). Must match binOf() in
  -- packages/contract/src/metrics.ts. The rollups count rows per bin.
  bin             smallint GENERATED ALWAYS AS (
    CASE
      WHEN value * (CASE WHEN name = 'CLS' THEN 1000 ELSE 1 END) < 1 THEN 0
      ELSE 1 + floor(ln(value * (CASE WHEN name = 'CLS' THEN 1000 ELSE 1 END)) / ln(1.02))::smallint
    END
  ) STORED,
  -- Idempotency key: a retried job or a re-sent beacon never adds a row.
  CONSTRAINT metrics_idempotency UNIQUE (project_id, session_id, metric_id, time)
);

SELECT create_hypertable('metrics', by_range('time', INTERVAL '1 day'), if_not_exists => TRUE);

-- Only indexes that queries read: each costs every inserted row (migration 0007).
CREATE INDEX IF NOT EXISTS metrics_page_time_idx ON metrics (page_id, time DESC);
CREATE INDEX IF NOT EXISTS metrics_project_name_time_idx ON metrics (project_id, name, time DESC);

-- JS errors. `fingerprint` groups the same error (message + first stack frame), computed by
-- the workers. A re-sent error has the same session, fingerprint and time.
CREATE TABLE IF NOT EXISTS js_errors (
  time        timestamptz NOT NULL,
  project_id  integer NOT NULL,
  website_id  integer NOT NULL,
  page_id     integer NOT NULL,
  session_id  text NOT NULL,
  fingerprint text NOT NULL,
  message     text NOT NULL,
  stack       text,
  source      text,
  line        integer,
  col         integer,
  device_type text NOT NULL,
  browser     text NOT NULL,
  os          text NOT NULL,
  country     text NOT NULL,
  CONSTRAINT js_errors_idempotency UNIQUE (project_id, session_id, fingerprint, time)
);

SELECT create_hypertable('js_errors', by_range('time', INTERVAL '1 day'), if_not_exists => TRUE);

CREATE INDEX IF NOT EXISTS js_errors_page_time_idx ON js_errors (page_id, time DESC);
CREATE INDEX IF NOT EXISTS js_errors_project_fingerprint_time_idx ON js_errors (project_id, fingerprint, time DESC);

-- Dead letters: beacons the workers could never store (they fail the wire contract, or the
-- database refuses them for a reason no retry fixes), kept with their reason, so one bad beacon
-- never takes the rest of its job with it. Written in the job's own transaction; a retried job
-- adds nothing ((job, beacon_index) is unique). `rum dead-letter list|purge`.
CREATE TABLE IF NOT EXISTS dead_letters (
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

CREATE INDEX IF NOT EXISTS dead_letters_project_time_idx ON dead_letters (project, time DESC);

-- Rollups: per hour (and per day, on top of the hourly one), the count of events in each
-- log-spaced histogram bin and rating. A percentile over a long range sums bin counts across
-- buckets, so it merges exactly (to bin width); percentiles are never averaged. Real-time:
-- rows newer than the last refresh are aggregated on read.
--
-- One pair per dimension, keyed by that dimension's value only (so a rollup's size follows
-- its dimension's cardinality, not the raw table), plus the overall pair keyed by nothing: a
-- question with no dimension reads the overall pair, one that filters or groups by one
-- dimension reads that dimension's pair, one that combines two reads raw rows. A new dimension
-- is a new pair. Indexes are chosen here ((project, metric, bucket) for a scan over all values,
-- (project, metric, value, bucket) for one value); TimescaleDB would otherwise add one per
-- GROUP BY column, slowing every refresh. The daily rollups are compressed once older than a
-- week, segmented by (project, metric, value): a month's breakdown is then a few columnar scans.
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_overall
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT
  time_bucket(INTERVAL '1 hour', time) AS bucket,
  project_id, name, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_overall
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT
  time_bucket(INTERVAL '1 day', bucket) AS bucket,
  project_id, name, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_overall
GROUP BY 1, project_id, name, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_overall_project_idx ON metrics_hourly_overall (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_overall_project_idx ON metrics_daily_overall (project_id, name, bucket DESC);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_page
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, page_id, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, page_id, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_page
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_page
GROUP BY 1, project_id, name, page_id, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_project_idx ON metrics_hourly_by_page (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_value_idx ON metrics_hourly_by_page (project_id, name, page_id, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_project_idx ON metrics_daily_by_page (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_value_idx ON metrics_daily_by_page (project_id, name, page_id, bucket DESC);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, device_type, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, device_type, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, device_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_device
GROUP BY 1, project_id, name, device_type, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_device_project_idx ON metrics_hourly_by_device (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_device_value_idx ON metrics_hourly_by_device (project_id, name, device_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_device_project_idx ON metrics_daily_by_device (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_device_value_idx ON metrics_daily_by_device (project_id, name, device_type, bucket DESC);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_browser
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, browser, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, browser, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_browser
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, browser, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_browser
GROUP BY 1, project_id, name, browser, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_browser_project_idx ON metrics_hourly_by_browser (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_browser_value_idx ON metrics_hourly_by_browser (project_id, name, browser, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_browser_project_idx ON metrics_daily_by_browser (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_browser_value_idx ON metrics_daily_by_browser (project_id, name, browser, bucket DESC);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_os
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, os, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, os, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_os
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, os, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_os
GROUP BY 1, project_id, name, os, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_os_project_idx ON metrics_hourly_by_os (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_os_value_idx ON metrics_hourly_by_os (project_id, name, os, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_os_project_idx ON metrics_daily_by_os (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_os_value_idx ON metrics_daily_by_os (project_id, name, os, bucket DESC);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_country
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, country, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, country, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_country
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, country, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_country
GROUP BY 1, project_id, name, country, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_country_project_idx ON metrics_hourly_by_country (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_country_value_idx ON metrics_hourly_by_country (project_id, name, country, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_country_project_idx ON metrics_daily_by_country (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_country_value_idx ON metrics_daily_by_country (project_id, name, country, bucket DESC);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, connection, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, connection, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, connection, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_connection
GROUP BY 1, project_id, name, connection, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_connection_project_idx ON metrics_hourly_by_connection (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_connection_value_idx ON metrics_hourly_by_connection (project_id, name, connection, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_connection_project_idx ON metrics_daily_by_connection (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_connection_value_idx ON metrics_daily_by_connection (project_id, name, connection, bucket DESC);

-- Refresh policies. The hourly rollups trail real time by one hour (newer rows are read raw
-- through real-time aggregation); the daily ones are rebuilt from the hourly ones.
SELECT add_continuous_aggregate_policy('metrics_hourly_overall',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_overall',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_page',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_page',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_device',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_browser',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_browser',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_os',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_os',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_country',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_country',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_connection',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_connection',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

-- Compression of chunks older than 7 days. Settings are applied once: changing them on a
-- hypertable that already has compressed chunks is an error.
DO $$
DECLARE
  rollup record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                 WHERE hypertable_name = 'metrics' AND compression_enabled) THEN
    ALTER TABLE metrics SET (
      timescaledb.compress,
      timescaledb.compress_segmentby = 'project_id, name',
      timescaledb.compress_orderby = 'time DESC');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                 WHERE hypertable_name = 'js_errors' AND compression_enabled) THEN
    ALTER TABLE js_errors SET (
      timescaledb.compress,
      timescaledb.compress_segmentby = 'project_id',
      timescaledb.compress_orderby = 'time DESC');
  END IF;
  FOR rollup IN
    SELECT * FROM (VALUES ('metrics_daily_overall', 'project_id, name'),
                          ('metrics_daily_by_page', 'project_id, name, page_id'),
                          ('metrics_daily_by_device', 'project_id, name, device_type'),
                          ('metrics_daily_by_browser', 'project_id, name, browser'),
                          ('metrics_daily_by_os', 'project_id, name, os'),
                          ('metrics_daily_by_country', 'project_id, name, country'),
                          ('metrics_daily_by_connection', 'project_id, name, connection')) AS r(view_name, segmentby)
     WHERE NOT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates c
                        WHERE c.view_name = r.view_name AND c.compression_enabled)
  LOOP
    EXECUTE format('ALTER MATERIALIZED VIEW %I SET (timescaledb.compress = true, '
                   'timescaledb.compress_segmentby = %L, timescaledb.compress_orderby = %L)',
                   rollup.view_name, rollup.segmentby, 'bucket DESC, bin');
  END LOOP;
END
$$;

SELECT add_compression_policy('metrics', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('js_errors', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_overall', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_page', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_device', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_browser', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_os', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_country', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_connection', compress_after => INTERVAL '7 days', if_not_exists => TRUE);

-- Retention: raw events and the hourly rollups for 13 months; the daily rollups for 5 years.
SELECT add_retention_policy('metrics', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('js_errors', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_overall', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_page', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_device', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_browser', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_os', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_country', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_connection', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_overall', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_page', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_device', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_browser', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_os', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_country', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_connection', INTERVAL '5 years', if_not_exists => TRUE);
