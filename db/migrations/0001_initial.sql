-- RUM schema for TimescaleDB 2.x on PostgreSQL 15+ (and the embedded PGlite build).
-- Idempotent: applying it again changes nothing. Applied by `npx rum migrate`.

CREATE EXTENSION IF NOT EXISTS timescaledb;

-- Projects: one per site owner account; created by `rum project create`.
CREATE TABLE IF NOT EXISTS projects (
  id                    serial PRIMARY KEY,
  slug                  text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name                  text NOT NULL,
  ingest_key            text NOT NULL UNIQUE,
  -- Origins allowed to send beacons; empty means any.
  allowed_origins       text[] NOT NULL DEFAULT '{}',
  -- Domains the project owns; informational, shown by `rum project list`.
  domains               text[] NOT NULL DEFAULT '{}',
  rate_limit_per_minute integer NOT NULL DEFAULT 10000 CHECK (rate_limit_per_minute > 0),
  created_at            timestamptz NOT NULL DEFAULT now()
);

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

CREATE INDEX IF NOT EXISTS metrics_website_time_idx ON metrics (website_id, time DESC);
CREATE INDEX IF NOT EXISTS metrics_page_time_idx ON metrics (page_id, time DESC);
CREATE INDEX IF NOT EXISTS metrics_session_idx ON metrics (session_id);
CREATE INDEX IF NOT EXISTS metrics_dimensions_idx ON metrics (device_type, browser, country);
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

CREATE INDEX IF NOT EXISTS js_errors_website_time_idx ON js_errors (website_id, time DESC);
CREATE INDEX IF NOT EXISTS js_errors_page_time_idx ON js_errors (page_id, time DESC);
CREATE INDEX IF NOT EXISTS js_errors_session_idx ON js_errors (session_id);
CREATE INDEX IF NOT EXISTS js_errors_dimensions_idx ON js_errors (device_type, browser, country);
CREATE INDEX IF NOT EXISTS js_errors_project_fingerprint_time_idx ON js_errors (project_id, fingerprint, time DESC);

-- Rollups: per hour (and per day, on top of the hourly one) and per dimension set, the count
-- of events in each histogram bin and rating. A percentile over a long range sums bin counts
-- across buckets, so it merges exactly (to bin width); percentiles are never averaged.
-- Real-time: rows newer than the last refresh are aggregated on read. Indexes are chosen
-- here: (project, metric, bucket), what every query filters on, and (page, metric, bucket)
-- on the wide rollups. TimescaleDB would otherwise add one per GROUP BY column (11 on the
-- wide rollups), slowing every refresh.
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT
  time_bucket(INTERVAL '1 hour', time) AS bucket,
  project_id, website_id, page_id, name,
  device_type, browser, os, country, connection,
  rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, website_id, page_id, name,
  device_type, browser, os, country, connection, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT
  time_bucket(INTERVAL '1 day', bucket) AS bucket,
  project_id, website_id, page_id, name,
  device_type, browser, os, country, connection,
  rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly
GROUP BY 1, project_id, website_id, page_id, name,
  device_type, browser, os, country, connection, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_project_idx ON metrics_hourly (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_project_idx ON metrics_daily (project_id, name, bucket DESC);
-- A page filter is the one selective enough to want its own path into the wide rollups.
CREATE INDEX IF NOT EXISTS metrics_hourly_page_idx ON metrics_hourly (page_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_page_idx ON metrics_daily (page_id, name, bucket DESC);

-- The same bins over all dimensions, for questions without a page, device, browser or country
-- filter (the dashboard's default view). They hold a few hundred rows per metric and bucket
-- however many pages and browsers there are, where the rollups above grow with the events.
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

-- Refresh policies. The hourly rollup trails real time by one hour (newer rows are read raw
-- through real-time aggregation); the daily one is rebuilt from the hourly one.
SELECT add_continuous_aggregate_policy('metrics_hourly',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_overall',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_overall',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

-- Compression of chunks older than 7 days. Settings are applied once: changing them on a
-- hypertable that already has compressed chunks is an error.
DO $$
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
END
$$;

SELECT add_compression_policy('metrics', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('js_errors', INTERVAL '7 days', if_not_exists => TRUE);

-- Retention: raw events and the hourly rollups for 13 months; the daily rollups for 5 years.
SELECT add_retention_policy('metrics', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('js_errors', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_overall', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_overall', INTERVAL '5 years', if_not_exists => TRUE);
