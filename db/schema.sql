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
  created_at            timestamptz NOT NULL DEFAULT now(),
  -- Route templates of its pages, tried in order before the automatic ones
  -- (`rum project routes set`); see rum_route() below.
  route_patterns        text[] NOT NULL DEFAULT '{}'
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

-- A page's route template is an attribute of the page row, not of its events: re-templating
-- (`rum project routes set`) rewrites `route` for a project's pages, so new patterns apply to
-- everything already stored.
CREATE TABLE IF NOT EXISTS pages (
  id         serial PRIMARY KEY,
  website_id integer NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
  path       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  route      text NOT NULL,
  UNIQUE (website_id, path)
);

CREATE INDEX IF NOT EXISTS pages_website_route_idx ON pages (website_id, route);

-- The regular expression of one pattern: literal text, `:name` one segment, `*` anything.
CREATE OR REPLACE FUNCTION rum_route_regex(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT '^' || regexp_replace(
                  regexp_replace(
                    regexp_replace(rtrim(pattern, '/'), '([][(){}.+?^$|\\])', '\\\1', 'g'),
                    ':[A-Za-z_][A-Za-z0-9_]*', '[^/]+', 'g'),
                  '\*', '.*', 'g')
         || '/?$'
$fn$;

-- An ID-like path segment becomes `:id` (all digits; a UUID; 12 or more hex digits with at least
-- one digit; a 20+ character token of letters and digits holding both), and a hash inside a file
-- name (`app.3f9a2b1c.js`) becomes `:hash`.
CREATE OR REPLACE FUNCTION rum_route(path text, patterns text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  pattern text;
BEGIN
  FOREACH pattern IN ARRAY coalesce(patterns, '{}'::text[]) LOOP
    IF path ~ rum_route_regex(pattern) THEN
      RETURN pattern;
    END IF;
  END LOOP;
  RETURN (
    SELECT string_agg(
             CASE
               WHEN seg ~ '^[0-9]+$'
                 OR seg ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                 OR (seg ~* '^[0-9a-f]{12,}$' AND seg ~ '[0-9]')
                 OR (length(seg) >= 20 AND seg ~ '^[A-Za-z0-9_-]+$' AND seg ~ '[0-9]' AND seg ~ '[A-Za-z]')
               THEN ':id'
               ELSE regexp_replace(seg, '([._-])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}(?=[._-]|$)', '\1:hash', 'g')
             END, '/' ORDER BY n)
      FROM regexp_split_to_table(path, '/') WITH ORDINALITY AS s(seg, n));
END
$fn$;

-- A new page takes its route from its project's patterns as they are when it is inserted. The
-- project row is read FOR SHARE: `rum project routes set` updates that row before re-templating
-- the project's pages, so a page is either inserted before (and re-templated by it) or waits and
-- sees the new patterns.
CREATE OR REPLACE FUNCTION pages_set_route() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.route := rum_route(NEW.path, (
    SELECT pr.route_patterns FROM projects pr JOIN websites w ON w.project_id = pr.id
     WHERE w.id = NEW.website_id FOR SHARE OF pr));
  RETURN NEW;
END
$fn$;

CREATE OR REPLACE TRIGGER pages_set_route BEFORE INSERT ON pages
  FOR EACH ROW EXECUTE FUNCTION pages_set_route();


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
  -- The release the page ran (the SDK's `release` option); NULL when none was sent.
  release         text,
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
  -- The navigation type of the page view the error's beacon reports (its last metric's); NULL
  -- when the beacon carried errors only (migration 0009).
  navigation_type text,
  -- The release the page ran, as on `metrics`.
  release     text,
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

-- Attribution per day, bounded: per project, metric, attribution key and UTC day, the top
-- values (ranked by poor samples, then samples) keep their own rows and the rest are summed
-- into '(other)'; samples without the key are '(none)'. Rows count samples per rating and
-- log-spaced bin of the metric's value, like the rollups. Key 'phase' holds the LCP subparts
-- and INP phases: `value` names the phase, `bin` is the bin of its duration, `rating` the
-- metric's. Written by the workers once a day is complete (services/workers/src/attribution-rollup.ts);
-- `attribution_days` records which days are, and the query API reads raw rows for the others.
CREATE TABLE IF NOT EXISTS attribution_daily (
  bucket     timestamptz NOT NULL,
  project_id integer NOT NULL,
  name       text NOT NULL,
  key        text NOT NULL,
  value      text NOT NULL,
  rating     text NOT NULL,
  bin        smallint NOT NULL,
  samples    bigint NOT NULL,
  PRIMARY KEY (project_id, name, key, bucket, value, rating, bin)
);

CREATE TABLE IF NOT EXISTS attribution_days (
  bucket    timestamptz PRIMARY KEY,
  rolled_at timestamptz NOT NULL DEFAULT now()
);

-- The same per hour (0013), kept 32 days: each complete hour is rolled, and rolled again when
-- late events change its count of LCP, INP and CLS events (`attribution_hours.events`).
CREATE TABLE IF NOT EXISTS attribution_hourly (LIKE attribution_daily INCLUDING ALL);
SELECT create_hypertable('attribution_hourly', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE);

CREATE TABLE IF NOT EXISTS attribution_hours (
  bucket    timestamptz PRIMARY KEY,
  events    bigint NOT NULL,
  rolled_at timestamptz NOT NULL DEFAULT now()
);

-- The same per week (0018): the sum of a settled week's rolled days (weeks start Monday 00:00
-- UTC), so a long window reads a row per value and bin for each of its whole weeks.
CREATE TABLE IF NOT EXISTS attribution_weekly (LIKE attribution_daily INCLUDING ALL);

CREATE TABLE IF NOT EXISTS attribution_weeks (
  bucket    timestamptz PRIMARY KEY,
  rolled_at timestamptz NOT NULL DEFAULT now()
);

-- The same rows packed (0022): per bucket, metric, key, value and rating, its samples and every
-- bin's count in a bytea (bin int2, samples int8, big-endian), written by the workers with each
-- bucket they roll; the query API reads only these (a row per value and rating, not per bin).
CREATE TABLE IF NOT EXISTS attribution_daily_packed (
  bucket     timestamptz NOT NULL,
  project_id integer NOT NULL,
  name       text NOT NULL,
  key        text NOT NULL,
  value      text NOT NULL,
  rating     text NOT NULL,
  samples    bigint NOT NULL,
  bins       bytea NOT NULL,
  PRIMARY KEY (project_id, name, key, bucket, value, rating)
);
CREATE TABLE IF NOT EXISTS attribution_hourly_packed (LIKE attribution_daily_packed INCLUDING ALL);
SELECT create_hypertable('attribution_hourly_packed', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE);
CREATE TABLE IF NOT EXISTS attribution_weekly_packed (LIKE attribution_daily_packed INCLUDING ALL);

-- When each release was first and last seen (the time of its earliest and latest stored row),
-- kept by the workers as they store rows: `GET …/releases` lists them and the dashboard marks
-- `first_seen` on its time series. `last_seen` is brought forward at most once a minute per
-- worker process, so a busy release's row is not a lock every transaction waits on.
CREATE TABLE IF NOT EXISTS releases (
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  release    text NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen  timestamptz NOT NULL,
  PRIMARY KEY (project_id, release)
);

CREATE INDEX IF NOT EXISTS releases_project_first_seen_idx ON releases (project_id, first_seen DESC);

-- Alert rules and their state changes. Rules are created by `rum alert create`
-- (the query API stays read-only) and evaluated by the workers every minute; a state change
-- is an `alert_events` row, delivered to the rule's webhook until it is acknowledged with a
-- 2xx or an hour has passed. Deleting a rule deletes its events, so nothing of it is delivered.
CREATE TABLE IF NOT EXISTS alert_rules (
  id          text PRIMARY KEY,
  project_id  integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  metric      text NOT NULL CHECK (metric IN ('LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID')),
  stat        text NOT NULL CHECK (stat IN ('p75', 'poor-share')),
  threshold   double precision NOT NULL
                CHECK (threshold >= 0 AND (stat <> 'poor-share' OR threshold <= 1)),
  window_name text NOT NULL CHECK (window_name IN ('5m', '15m', '30m', '1h', '6h', '24h')),
  device      text CHECK (device IN ('mobile', 'tablet', 'desktop')),
  route       text CHECK (route LIKE '/%'),
  min_samples integer NOT NULL CHECK (min_samples >= 1),
  webhook_url text NOT NULL CHECK (webhook_url ~ '^https?://'),
  -- The HMAC-SHA256 key of its notifications' signatures, shown once by `rum alert create`.
  secret      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Evaluation state: `streak` counts consecutive evaluations pointing away from `state`
  -- (breaching while ok, good while firing); an evaluation on too few samples resets it.
  state             text NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'firing')),
  state_since       timestamptz NOT NULL DEFAULT now(),
  streak            integer NOT NULL DEFAULT 0,
  last_evaluated_at timestamptz,
  last_value        double precision,
  last_samples      integer
);

CREATE INDEX IF NOT EXISTS alert_rules_project_idx ON alert_rules (project_id, created_at);

CREATE TABLE IF NOT EXISTS alert_events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rule_id     text NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  project_id  integer NOT NULL,
  state       text NOT NULL CHECK (state IN ('firing', 'resolved')),
  value       double precision NOT NULL,
  threshold   double precision NOT NULL,
  samples     integer NOT NULL,
  window_from timestamptz NOT NULL,
  window_to   timestamptz NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  attempts     integer NOT NULL DEFAULT 0,
  delivered_at timestamptz,
  failed_at    timestamptz,
  last_error   text
);

CREATE INDEX IF NOT EXISTS alert_events_project_at_idx ON alert_events (project_id, at DESC);
CREATE INDEX IF NOT EXISTS alert_events_rule_idx ON alert_events (rule_id);
CREATE INDEX IF NOT EXISTS alert_events_undelivered_idx ON alert_events (at) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Rollups: per hour (and per day, on top of the hourly one), the count of events in each
-- log-spaced histogram bin and rating. A percentile over a long range sums bin counts across
-- buckets, so it merges exactly (to bin width); percentiles are never averaged. Real-time:
-- rows newer than the last refresh are aggregated on read.
--
-- One pair per dimension, keyed by that dimension's value only (so a rollup's size follows
-- its dimension's cardinality, not the raw table), plus the overall pair keyed by nothing: a
-- question with no dimension reads the overall pair, one that filters or groups by one
-- dimension reads that dimension's pair, one that combines two reads raw rows (but page and
-- device, which have a pair of their own, below). A new dimension is a new pair. Indexes are chosen here ((project, metric, bucket) for a scan over all values,
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

-- Every bin rollup's indexes carry the columns a read takes (INCLUDE), so the query API reads
-- a window's rows by an index-only scan (migration 0020 says what the bucket index cost).
CREATE INDEX IF NOT EXISTS metrics_hourly_overall_project_idx ON metrics_hourly_overall (project_id, name, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_overall_project_idx ON metrics_daily_overall (project_id, name, bucket DESC) INCLUDE (rating, bin, samples);

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

CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_project_idx ON metrics_hourly_by_page (project_id, name, bucket DESC) INCLUDE (page_id, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_value_idx ON metrics_hourly_by_page (project_id, name, page_id, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_project_idx ON metrics_daily_by_page (project_id, name, bucket DESC) INCLUDE (page_id, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_value_idx ON metrics_daily_by_page (project_id, name, page_id, bucket DESC) INCLUDE (rating, bin, samples);

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

CREATE INDEX IF NOT EXISTS metrics_hourly_by_device_project_idx ON metrics_hourly_by_device (project_id, name, bucket DESC) INCLUDE (device_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_device_value_idx ON metrics_hourly_by_device (project_id, name, device_type, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_device_project_idx ON metrics_daily_by_device (project_id, name, bucket DESC) INCLUDE (device_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_device_value_idx ON metrics_daily_by_device (project_id, name, device_type, bucket DESC) INCLUDE (rating, bin, samples);

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

CREATE INDEX IF NOT EXISTS metrics_hourly_by_browser_project_idx ON metrics_hourly_by_browser (project_id, name, bucket DESC) INCLUDE (browser, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_browser_value_idx ON metrics_hourly_by_browser (project_id, name, browser, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_browser_project_idx ON metrics_daily_by_browser (project_id, name, bucket DESC) INCLUDE (browser, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_browser_value_idx ON metrics_daily_by_browser (project_id, name, browser, bucket DESC) INCLUDE (rating, bin, samples);

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

CREATE INDEX IF NOT EXISTS metrics_hourly_by_os_project_idx ON metrics_hourly_by_os (project_id, name, bucket DESC) INCLUDE (os, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_os_value_idx ON metrics_hourly_by_os (project_id, name, os, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_os_project_idx ON metrics_daily_by_os (project_id, name, bucket DESC) INCLUDE (os, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_os_value_idx ON metrics_daily_by_os (project_id, name, os, bucket DESC) INCLUDE (rating, bin, samples);

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

CREATE INDEX IF NOT EXISTS metrics_hourly_by_country_project_idx ON metrics_hourly_by_country (project_id, name, bucket DESC) INCLUDE (country, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_country_value_idx ON metrics_hourly_by_country (project_id, name, country, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_country_project_idx ON metrics_daily_by_country (project_id, name, bucket DESC) INCLUDE (country, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_country_value_idx ON metrics_daily_by_country (project_id, name, country, bucket DESC) INCLUDE (rating, bin, samples);

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

CREATE INDEX IF NOT EXISTS metrics_hourly_by_connection_project_idx ON metrics_hourly_by_connection (project_id, name, bucket DESC) INCLUDE (connection, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_connection_value_idx ON metrics_hourly_by_connection (project_id, name, connection, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_connection_project_idx ON metrics_daily_by_connection (project_id, name, bucket DESC) INCLUDE (connection, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_connection_value_idx ON metrics_daily_by_connection (project_id, name, connection, bucket DESC) INCLUDE (rating, bin, samples);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_navigation_type
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, navigation_type, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, navigation_type, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_navigation_type
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, navigation_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_navigation_type
GROUP BY 1, project_id, name, navigation_type, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_navigation_type_project_idx ON metrics_hourly_by_navigation_type (project_id, name, bucket DESC) INCLUDE (navigation_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_navigation_type_value_idx ON metrics_hourly_by_navigation_type (project_id, name, navigation_type, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_navigation_type_project_idx ON metrics_daily_by_navigation_type (project_id, name, bucket DESC) INCLUDE (navigation_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_navigation_type_value_idx ON metrics_daily_by_navigation_type (project_id, name, navigation_type, bucket DESC) INCLUDE (rating, bin, samples);

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_release
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, release, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, release, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_release
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, release, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_release
GROUP BY 1, project_id, name, release, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_release_project_idx ON metrics_hourly_by_release (project_id, name, bucket DESC) INCLUDE (release, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_release_value_idx ON metrics_hourly_by_release (project_id, name, release, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_release_project_idx ON metrics_daily_by_release (project_id, name, bucket DESC) INCLUDE (release, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_release_value_idx ON metrics_daily_by_release (project_id, name, release, bucket DESC) INCLUDE (rating, bin, samples);

-- CrUX's query shapes (migration 0012): the one pair keyed by two dimensions, page and device
-- type (a url on a form factor; planFor reads it for exactly that combination), bounded by
-- pages x 3 device types; and page loads (TTFB samples) per page, device type and navigation
-- type without bins, the counts behind CrUX's form_factors and navigation_types fractions.
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_page_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, page_id, device_type, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, page_id, device_type, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_page_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id, device_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_page_device
GROUP BY 1, project_id, name, page_id, device_type, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_device_project_idx ON metrics_hourly_by_page_device (project_id, name, bucket DESC) INCLUDE (page_id, device_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_device_value_idx ON metrics_hourly_by_page_device (project_id, name, page_id, device_type, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_device_project_idx ON metrics_daily_by_page_device (project_id, name, bucket DESC) INCLUDE (page_id, device_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_device_value_idx ON metrics_daily_by_page_device (project_id, name, page_id, device_type, bucket DESC) INCLUDE (rating, bin, samples);

-- `name` is always 'TTFB': kept so every query's filters apply to this pair unchanged.
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_page_loads
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, page_id, device_type,
  navigation_type, count(*) AS samples
FROM metrics
WHERE name = 'TTFB'
GROUP BY bucket, project_id, name, page_id, device_type, navigation_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_page_loads
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id, device_type,
  navigation_type, sum(samples)::bigint AS samples
FROM metrics_hourly_page_loads
GROUP BY 1, project_id, name, page_id, device_type, navigation_type
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_page_loads_project_idx ON metrics_hourly_page_loads (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_page_loads_value_idx ON metrics_hourly_page_loads (project_id, name, page_id, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_page_loads_project_idx ON metrics_daily_page_loads (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_page_loads_value_idx ON metrics_daily_page_loads (project_id, name, page_id, bucket DESC);

-- Page loads per connection type instead of page (migration 0016): CrUX's fractions of a
-- record on a connection type.
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_page_loads_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, connection, device_type,
  navigation_type, count(*) AS samples
FROM metrics
WHERE name = 'TTFB'
GROUP BY bucket, project_id, name, connection, device_type, navigation_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_page_loads_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, connection, device_type,
  navigation_type, sum(samples)::bigint AS samples
FROM metrics_hourly_page_loads_by_connection
GROUP BY 1, project_id, name, connection, device_type, navigation_type
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_page_loads_by_connection_project_idx ON metrics_hourly_page_loads_by_connection (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_page_loads_by_connection_value_idx ON metrics_hourly_page_loads_by_connection (project_id, name, connection, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_page_loads_by_connection_project_idx ON metrics_daily_page_loads_by_connection (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_page_loads_by_connection_value_idx ON metrics_daily_page_loads_by_connection (project_id, name, connection, bucket DESC);

-- Keyed by route (migration 0014): each row's page's route, joined from `pages` at refresh
-- time. `rum project routes set` refreshes this pair over all time with `force` when it
-- re-templates pages (a join is not watched for changes).
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_route
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', m.time) AS bucket, m.project_id, m.name, m.website_id,
  p.route, m.rating, m.bin, count(*) AS samples
FROM metrics m JOIN pages p ON p.id = m.page_id
GROUP BY 1, m.project_id, m.name, m.website_id, p.route, m.rating, m.bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_route
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, website_id, route,
  rating, bin, sum(samples)::bigint AS samples
FROM metrics_hourly_by_route
GROUP BY 1, project_id, name, website_id, route, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_project_idx ON metrics_hourly_by_route (project_id, name, bucket DESC) INCLUDE (website_id, route, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_value_idx ON metrics_hourly_by_route (project_id, name, route, bucket DESC) INCLUDE (website_id, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_project_idx ON metrics_daily_by_route (project_id, name, bucket DESC) INCLUDE (website_id, route, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_value_idx ON metrics_daily_by_route (project_id, name, route, bucket DESC) INCLUDE (website_id, rating, bin, samples);

-- Keyed by route and device type together (migration 0017): a route on a form factor.
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_route_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', m.time) AS bucket, m.project_id, m.name, m.website_id,
  p.route, m.device_type, m.rating, m.bin, count(*) AS samples
FROM metrics m JOIN pages p ON p.id = m.page_id
GROUP BY 1, m.project_id, m.name, m.website_id, p.route, m.device_type, m.rating, m.bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_route_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, website_id, route,
  device_type, rating, bin, sum(samples)::bigint AS samples
FROM metrics_hourly_by_route_device
GROUP BY 1, project_id, name, website_id, route, device_type, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_device_project_idx ON metrics_hourly_by_route_device (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_device_value_idx ON metrics_hourly_by_route_device (project_id, name, route, device_type, bucket DESC) INCLUDE (website_id, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_device_project_idx ON metrics_daily_by_route_device (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_device_value_idx ON metrics_daily_by_route_device (project_id, name, route, device_type, bucket DESC) INCLUDE (website_id, rating, bin, samples);

-- Weekly rollups of the keys with many values (migration 0015): a 30-day window reads its
-- whole weeks here. Weeks start Monday 00:00 UTC; refreshed hourly 30 days back, a week a few
-- hours after it ends (0019).
CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_page
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, page_id, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_page
GROUP BY 1, project_id, name, page_id, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_route
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, website_id, route, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_route
GROUP BY 1, project_id, name, website_id, route, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_country
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, country, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_country
GROUP BY 1, project_id, name, country, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_page_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, page_id, device_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_page_device
GROUP BY 1, project_id, name, page_id, device_type, rating, bin
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_project_idx ON metrics_weekly_by_page (project_id, name, bucket DESC) INCLUDE (page_id, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_value_idx ON metrics_weekly_by_page (project_id, name, page_id, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_route_project_idx ON metrics_weekly_by_route (project_id, name, bucket DESC) INCLUDE (website_id, route, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_route_value_idx ON metrics_weekly_by_route (project_id, name, route, bucket DESC) INCLUDE (website_id, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_country_project_idx ON metrics_weekly_by_country (project_id, name, bucket DESC) INCLUDE (country, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_country_value_idx ON metrics_weekly_by_country (project_id, name, country, bucket DESC) INCLUDE (rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_device_project_idx ON metrics_weekly_by_page_device (project_id, name, bucket DESC) INCLUDE (page_id, device_type, rating, bin, samples);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_device_value_idx ON metrics_weekly_by_page_device (project_id, name, page_id, device_type, bucket DESC) INCLUDE (rating, bin, samples);

SELECT add_continuous_aggregate_policy('metrics_weekly_by_page',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_weekly_by_route',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_weekly_by_country',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page_device',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_page', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_route', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_country', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_page_device', INTERVAL '5 years', if_not_exists => TRUE);

-- Packed bin rollups for the keys with many values (migration 0021): per (bucket, metric, key), one
-- row holding the sample, good and poor totals and every bin's count packed into a bytea
-- (`bins`: for each (bin, rating) row of the bin rollup below it, the bin as int2 and its
-- samples as int8, big-endian, in no particular order; a bin split across two ratings appears
-- twice). A 30-day page list summed 236,000 (page, bin) rollup rows in the executor, at
-- 0.5-1 us a row on a 2-core machine; the same window is now 8,234 packed rows, summed by the
-- query API (packed-bins.ts), which decodes only the listed keys' bins.
--
-- Each is a continuous aggregate on the bin rollup of the same width, so TimescaleDB keeps it:
-- late events invalidate the bin rollup's bucket, and its refresh invalidates the packed one's.
-- Refreshed on their bin rollups' schedules, each up to its own watermark (the query API reads
-- raw rows above it). Not compressed: a packed row is a few hundred bytes to a few kB
-- (TOASTed), and a day of every key is a few thousand rows.

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_page_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, page_id,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_page
GROUP BY 1, project_id, name, page_id
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_page_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_page
GROUP BY 1, project_id, name, page_id
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_page_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, page_id,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_weekly_by_page
GROUP BY 1, project_id, name, page_id
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_route_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, website_id, route,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_route
GROUP BY 1, project_id, name, website_id, route
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_route_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, website_id, route,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_route
GROUP BY 1, project_id, name, website_id, route
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_route_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, website_id, route,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_weekly_by_route
GROUP BY 1, project_id, name, website_id, route
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_country_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, country,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_country
GROUP BY 1, project_id, name, country
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_country_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, country,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_country
GROUP BY 1, project_id, name, country
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_country_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, country,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_weekly_by_country
GROUP BY 1, project_id, name, country
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_packed_project_idx ON metrics_hourly_by_page_packed (project_id, name, bucket DESC) INCLUDE (page_id, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_packed_value_idx ON metrics_hourly_by_page_packed (project_id, name, page_id, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_packed_project_idx ON metrics_daily_by_page_packed (project_id, name, bucket DESC) INCLUDE (page_id, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_packed_value_idx ON metrics_daily_by_page_packed (project_id, name, page_id, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_packed_project_idx ON metrics_weekly_by_page_packed (project_id, name, bucket DESC) INCLUDE (page_id, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_packed_value_idx ON metrics_weekly_by_page_packed (project_id, name, page_id, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_packed_project_idx ON metrics_hourly_by_route_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_packed_value_idx ON metrics_hourly_by_route_packed (project_id, name, route, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_packed_project_idx ON metrics_daily_by_route_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_packed_value_idx ON metrics_daily_by_route_packed (project_id, name, route, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_route_packed_project_idx ON metrics_weekly_by_route_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_route_packed_value_idx ON metrics_weekly_by_route_packed (project_id, name, route, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_country_packed_project_idx ON metrics_hourly_by_country_packed (project_id, name, bucket DESC) INCLUDE (country, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_country_packed_value_idx ON metrics_hourly_by_country_packed (project_id, name, country, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_country_packed_project_idx ON metrics_daily_by_country_packed (project_id, name, bucket DESC) INCLUDE (country, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_country_packed_value_idx ON metrics_daily_by_country_packed (project_id, name, country, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_country_packed_project_idx ON metrics_weekly_by_country_packed (project_id, name, bucket DESC) INCLUDE (country, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_country_packed_value_idx ON metrics_weekly_by_country_packed (project_id, name, country, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_page_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_page_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_route_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_route_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_weekly_by_route_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_country_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_country_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_weekly_by_country_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_page_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_page_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_page_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_route_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_route_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_route_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_country_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_country_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_country_packed', INTERVAL '5 years', if_not_exists => TRUE);

-- Packed rollups for the overall and device keys too (migration 0023), as 0021 packs pages,
-- routes and countries: the summaries, time series, device breakdowns, assessments and CrUX records
-- and histories read these rollups most, and a 25- to 40-period CrUX history summed about 300
-- days of daily (bin, rating) rows per metric (40-48 ms at 10M events). Hourly and daily, on
-- the bin rollups of the same width; neither key has a weekly rollup.

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_overall_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_overall
GROUP BY 1, project_id, name
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_overall_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_overall
GROUP BY 1, project_id, name
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_device_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, device_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_device
GROUP BY 1, project_id, name, device_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_device_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, device_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_device
GROUP BY 1, project_id, name, device_type
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_overall_packed_project_idx ON metrics_hourly_overall_packed (project_id, name, bucket DESC) INCLUDE (samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_overall_packed_project_idx ON metrics_daily_overall_packed (project_id, name, bucket DESC) INCLUDE (samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_device_packed_project_idx ON metrics_hourly_by_device_packed (project_id, name, bucket DESC) INCLUDE (device_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_device_packed_value_idx ON metrics_hourly_by_device_packed (project_id, name, device_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_device_packed_project_idx ON metrics_daily_by_device_packed (project_id, name, bucket DESC) INCLUDE (device_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_device_packed_value_idx ON metrics_daily_by_device_packed (project_id, name, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_overall_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_overall_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_device_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_device_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_overall_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_overall_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_device_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_device_packed', INTERVAL '5 years', if_not_exists => TRUE);

-- Packed rollups for every other bin rollup (migration 0024), as 0021 and 0023 pack the rest: the
-- breakdowns by browser, OS, connection, navigation type and release, the CrUX url on a form
-- factor (page x device) and a route's assessment per form factor (route x device) read a row
-- per bucket and key instead of one per bucket, key, bin and rating. With these, every
-- question but the histogram reads packed rows; the bin rollups stay the packed ones' source
-- and the histogram's.

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_browser_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, browser,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_browser
GROUP BY 1, project_id, name, browser
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_browser_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, browser,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_browser
GROUP BY 1, project_id, name, browser
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_os_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, os,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_os
GROUP BY 1, project_id, name, os
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_os_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, os,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_os
GROUP BY 1, project_id, name, os
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_connection_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, connection,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_connection
GROUP BY 1, project_id, name, connection
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_connection_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, connection,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_connection
GROUP BY 1, project_id, name, connection
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_navigation_type_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, navigation_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_navigation_type
GROUP BY 1, project_id, name, navigation_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_navigation_type_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, navigation_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_navigation_type
GROUP BY 1, project_id, name, navigation_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_release_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, release,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_release
GROUP BY 1, project_id, name, release
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_release_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, release,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_release
GROUP BY 1, project_id, name, release
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_page_device_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, page_id, device_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_page_device
GROUP BY 1, project_id, name, page_id, device_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_page_device_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id, device_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_page_device
GROUP BY 1, project_id, name, page_id, device_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_weekly_by_page_device_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, page_id, device_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_weekly_by_page_device
GROUP BY 1, project_id, name, page_id, device_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly_by_route_device_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, project_id, name, website_id, route, device_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_hourly_by_route_device
GROUP BY 1, project_id, name, website_id, route, device_type
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_daily_by_route_device_packed
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, website_id, route, device_type,
  sum(samples)::bigint AS samples,
  coalesce(sum(samples) FILTER (WHERE rating = 'good'), 0)::bigint AS good,
  coalesce(sum(samples) FILTER (WHERE rating = 'poor'), 0)::bigint AS poor,
  string_agg(int2send(bin) || int8send(samples::bigint), ''::bytea) AS bins
FROM metrics_daily_by_route_device
GROUP BY 1, project_id, name, website_id, route, device_type
WITH NO DATA;

CREATE INDEX IF NOT EXISTS metrics_hourly_by_browser_packed_project_idx ON metrics_hourly_by_browser_packed (project_id, name, bucket DESC) INCLUDE (browser, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_browser_packed_value_idx ON metrics_hourly_by_browser_packed (project_id, name, browser, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_browser_packed_project_idx ON metrics_daily_by_browser_packed (project_id, name, bucket DESC) INCLUDE (browser, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_browser_packed_value_idx ON metrics_daily_by_browser_packed (project_id, name, browser, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_os_packed_project_idx ON metrics_hourly_by_os_packed (project_id, name, bucket DESC) INCLUDE (os, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_os_packed_value_idx ON metrics_hourly_by_os_packed (project_id, name, os, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_os_packed_project_idx ON metrics_daily_by_os_packed (project_id, name, bucket DESC) INCLUDE (os, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_os_packed_value_idx ON metrics_daily_by_os_packed (project_id, name, os, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_connection_packed_project_idx ON metrics_hourly_by_connection_packed (project_id, name, bucket DESC) INCLUDE (connection, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_connection_packed_value_idx ON metrics_hourly_by_connection_packed (project_id, name, connection, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_connection_packed_project_idx ON metrics_daily_by_connection_packed (project_id, name, bucket DESC) INCLUDE (connection, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_connection_packed_value_idx ON metrics_daily_by_connection_packed (project_id, name, connection, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_navigation_type_packed_project_idx ON metrics_hourly_by_navigation_type_packed (project_id, name, bucket DESC) INCLUDE (navigation_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_navigation_type_packed_value_idx ON metrics_hourly_by_navigation_type_packed (project_id, name, navigation_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_navigation_type_packed_project_idx ON metrics_daily_by_navigation_type_packed (project_id, name, bucket DESC) INCLUDE (navigation_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_navigation_type_packed_value_idx ON metrics_daily_by_navigation_type_packed (project_id, name, navigation_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_release_packed_project_idx ON metrics_hourly_by_release_packed (project_id, name, bucket DESC) INCLUDE (release, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_release_packed_value_idx ON metrics_hourly_by_release_packed (project_id, name, release, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_release_packed_project_idx ON metrics_daily_by_release_packed (project_id, name, bucket DESC) INCLUDE (release, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_release_packed_value_idx ON metrics_daily_by_release_packed (project_id, name, release, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_device_packed_project_idx ON metrics_hourly_by_page_device_packed (project_id, name, bucket DESC) INCLUDE (page_id, device_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_page_device_packed_value_idx ON metrics_hourly_by_page_device_packed (project_id, name, page_id, device_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_device_packed_project_idx ON metrics_daily_by_page_device_packed (project_id, name, bucket DESC) INCLUDE (page_id, device_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_page_device_packed_value_idx ON metrics_daily_by_page_device_packed (project_id, name, page_id, device_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_device_packed_project_idx ON metrics_weekly_by_page_device_packed (project_id, name, bucket DESC) INCLUDE (page_id, device_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_weekly_by_page_device_packed_value_idx ON metrics_weekly_by_page_device_packed (project_id, name, page_id, device_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_device_packed_project_idx ON metrics_hourly_by_route_device_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_hourly_by_route_device_packed_value_idx ON metrics_hourly_by_route_device_packed (project_id, name, route, device_type, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_device_packed_project_idx ON metrics_daily_by_route_device_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, samples, good, poor);
CREATE INDEX IF NOT EXISTS metrics_daily_by_route_device_packed_value_idx ON metrics_daily_by_route_device_packed (project_id, name, route, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_browser_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_browser_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_os_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_os_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_connection_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_connection_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_navigation_type_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_navigation_type_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_release_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_release_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_page_device_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_page_device_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page_device_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_route_device_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_route_device_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_browser_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_browser_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_os_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_os_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_connection_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_connection_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_navigation_type_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_navigation_type_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_release_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_release_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_page_device_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_page_device_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_weekly_by_page_device_packed', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_route_device_packed', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_route_device_packed', INTERVAL '5 years', if_not_exists => TRUE);

-- Refresh policies. The hourly rollups trail real time by one hour (newer rows are read raw);
-- the daily ones are rebuilt from the hourly ones two hours after a day ends (0019), and again
-- when late events change one of the last 5 days.
SELECT add_continuous_aggregate_policy('metrics_hourly_overall',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_overall',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_page',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_page',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_device',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_browser',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_browser',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_os',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_os',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_country',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_country',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_connection',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_connection',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_navigation_type',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_navigation_type',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_release',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_release',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_page_device',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_page_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_route',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_route',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_by_route_device',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_by_route_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_page_loads',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_page_loads',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_hourly_page_loads_by_connection',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('metrics_daily_page_loads_by_connection',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
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
                          ('metrics_daily_by_connection', 'project_id, name, connection'),
                          ('metrics_daily_by_navigation_type', 'project_id, name, navigation_type'),
                          ('metrics_daily_by_release', 'project_id, name, release'),
                          ('metrics_daily_by_page_device', 'project_id, name, page_id, device_type'),
                          ('metrics_daily_page_loads', 'project_id, name, page_id'),
                          ('metrics_daily_page_loads_by_connection', 'project_id, name, connection'),
                          ('metrics_daily_by_route', 'project_id, name, route'),
                          ('metrics_daily_by_route_device', 'project_id, name, route, device_type')) AS r(view_name, segmentby)
     WHERE NOT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates c
                        WHERE c.view_name = r.view_name AND c.compression_enabled)
  LOOP
    EXECUTE format('ALTER MATERIALIZED VIEW %I SET (timescaledb.compress = true, '
                   'timescaledb.compress_segmentby = %L, timescaledb.compress_orderby = %L)',
                   rollup.view_name, rollup.segmentby,
                   CASE WHEN rollup.view_name LIKE '%page_loads%' THEN 'bucket DESC' ELSE 'bucket DESC, bin' END);
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
SELECT add_compression_policy('metrics_daily_by_navigation_type', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_release', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_page_device', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_page_loads', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_page_loads_by_connection', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_route', compress_after => INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_compression_policy('metrics_daily_by_route_device', compress_after => INTERVAL '7 days', if_not_exists => TRUE);

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
SELECT add_retention_policy('metrics_hourly_by_navigation_type', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_release', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_page_device', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_page_loads', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_page_loads_by_connection', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_route', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_hourly_by_route_device', INTERVAL '13 months', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_overall', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_page', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_device', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_browser', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_os', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_country', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_connection', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_navigation_type', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_release', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_page_device', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_page_loads', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_page_loads_by_connection', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_route', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('metrics_daily_by_route_device', INTERVAL '5 years', if_not_exists => TRUE);
SELECT add_retention_policy('attribution_hourly', INTERVAL '32 days', if_not_exists => TRUE);
SELECT add_retention_policy('attribution_hourly_packed', INTERVAL '32 days', if_not_exists => TRUE);
