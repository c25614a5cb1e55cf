-- Releases (issue 14): the release a page ran (the SDK's `release` option) on every metric and
-- error row, one more rollup pair keyed by it, and each release's first and last sighting.
-- Rows stored before this migration have none (NULL).
ALTER TABLE metrics ADD COLUMN release text;
ALTER TABLE js_errors ADD COLUMN release text;

CREATE MATERIALIZED VIEW metrics_hourly_by_release
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, release, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, release, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_release
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, release, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_release
GROUP BY 1, project_id, name, release, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_release_project_idx ON metrics_hourly_by_release (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_release_value_idx ON metrics_hourly_by_release (project_id, name, release, bucket DESC);
CREATE INDEX metrics_daily_by_release_project_idx ON metrics_daily_by_release (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_release_value_idx ON metrics_daily_by_release (project_id, name, release, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_release',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_release',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_release SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, release',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_release', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_release', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_release', INTERVAL '5 years');

-- When each release was first and last seen (the time of its earliest and latest stored row),
-- kept by the workers as they store rows: `GET …/releases` lists them and the dashboard marks
-- `first_seen` on its time series. `last_seen` is brought forward at most once a minute per
-- worker process, so a busy release's row is not a lock every transaction waits on.
CREATE TABLE releases (
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  release    text NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen  timestamptz NOT NULL,
  PRIMARY KEY (project_id, release)
);

CREATE INDEX releases_project_first_seen_idx ON releases (project_id, first_seen DESC);
