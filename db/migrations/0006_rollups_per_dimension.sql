-- Rollups per dimension (issue: rollups whose size does not track the raw table).
--
-- The wide rollups grouped by page, device, browser, OS, country, connection, rating and bin
-- together, so with real cardinalities they held about one row per event. They are replaced by
-- one pair of rollups (hourly, and daily on top of it) per dimension, keyed by that dimension's
-- value only: a question that filters or groups by one dimension reads that dimension's pair; a
-- question without any reads the overall pair (unchanged); one that combines two dimensions
-- reads raw rows. A new dimension is a new pair, and grows no other rollup.
--
-- Each keeps, per bucket, project, metric, value, rating and log-spaced bin, the count of events
-- (see 0001 for the bin). Two indexes each: (project, metric, bucket) for breakdowns over all
-- values, (project, metric, value, bucket) for a filter on one value. The daily ones are
-- compressed once older than a week, segmented by (project, metric, value), which turns a
-- month's breakdown into a few columnar scans. The new rollups are materialised over all
-- existing data by `rum migrate` right after this migration (a refresh cannot run inside the
-- migration's transaction).

DROP MATERIALIZED VIEW IF EXISTS metrics_daily;
DROP MATERIALIZED VIEW IF EXISTS metrics_hourly;

CREATE MATERIALIZED VIEW metrics_hourly_by_page
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, page_id, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, page_id, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_page
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_page
GROUP BY 1, project_id, name, page_id, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_page_project_idx ON metrics_hourly_by_page (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_page_value_idx ON metrics_hourly_by_page (project_id, name, page_id, bucket DESC);
CREATE INDEX metrics_daily_by_page_project_idx ON metrics_daily_by_page (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_page_value_idx ON metrics_daily_by_page (project_id, name, page_id, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_page',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_page',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_page SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, page_id',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_page', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_page', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_page', INTERVAL '5 years');

CREATE MATERIALIZED VIEW metrics_hourly_by_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, device_type, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, device_type, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, device_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_device
GROUP BY 1, project_id, name, device_type, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_device_project_idx ON metrics_hourly_by_device (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_device_value_idx ON metrics_hourly_by_device (project_id, name, device_type, bucket DESC);
CREATE INDEX metrics_daily_by_device_project_idx ON metrics_daily_by_device (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_device_value_idx ON metrics_daily_by_device (project_id, name, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_device',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_device SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, device_type',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_device', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_device', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_device', INTERVAL '5 years');

CREATE MATERIALIZED VIEW metrics_hourly_by_browser
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, browser, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, browser, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_browser
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, browser, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_browser
GROUP BY 1, project_id, name, browser, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_browser_project_idx ON metrics_hourly_by_browser (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_browser_value_idx ON metrics_hourly_by_browser (project_id, name, browser, bucket DESC);
CREATE INDEX metrics_daily_by_browser_project_idx ON metrics_daily_by_browser (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_browser_value_idx ON metrics_daily_by_browser (project_id, name, browser, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_browser',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_browser',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_browser SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, browser',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_browser', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_browser', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_browser', INTERVAL '5 years');

CREATE MATERIALIZED VIEW metrics_hourly_by_os
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, os, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, os, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_os
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, os, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_os
GROUP BY 1, project_id, name, os, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_os_project_idx ON metrics_hourly_by_os (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_os_value_idx ON metrics_hourly_by_os (project_id, name, os, bucket DESC);
CREATE INDEX metrics_daily_by_os_project_idx ON metrics_daily_by_os (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_os_value_idx ON metrics_daily_by_os (project_id, name, os, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_os',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_os',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_os SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, os',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_os', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_os', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_os', INTERVAL '5 years');

CREATE MATERIALIZED VIEW metrics_hourly_by_country
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, country, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, country, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_country
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, country, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_country
GROUP BY 1, project_id, name, country, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_country_project_idx ON metrics_hourly_by_country (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_country_value_idx ON metrics_hourly_by_country (project_id, name, country, bucket DESC);
CREATE INDEX metrics_daily_by_country_project_idx ON metrics_daily_by_country (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_country_value_idx ON metrics_daily_by_country (project_id, name, country, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_country',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_country',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_country SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, country',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_country', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_country', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_country', INTERVAL '5 years');

CREATE MATERIALIZED VIEW metrics_hourly_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, connection, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, connection, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, connection, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_connection
GROUP BY 1, project_id, name, connection, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_connection_project_idx ON metrics_hourly_by_connection (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_connection_value_idx ON metrics_hourly_by_connection (project_id, name, connection, bucket DESC);
CREATE INDEX metrics_daily_by_connection_project_idx ON metrics_daily_by_connection (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_connection_value_idx ON metrics_daily_by_connection (project_id, name, connection, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_connection',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_connection',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_connection SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, connection',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_connection', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_connection', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_connection', INTERVAL '5 years');

-- The overall pair gets the same compression.
ALTER MATERIALIZED VIEW metrics_daily_overall SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_overall', compress_after => INTERVAL '7 days');
