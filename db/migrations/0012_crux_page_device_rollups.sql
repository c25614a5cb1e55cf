-- Rollups for CrUX's query shapes (issue 15). A CrUX record or history record asks for an
-- origin or a url, on one form factor or all: page x device is its core shape, and with one
-- rollup pair per dimension (0006) that combination read raw rows (a 40-period history of a url
-- on PHONE scans up to 300 days of the page's rows). Two bounded additions:
--
-- 1. One pair keyed by page and device together, as every pair of 0006 (per bucket, project,
--    metric, page, device type, rating and bin, the count of events). The only two-dimension
--    pair: planFor reads it for exactly the {page, device} combination (a url or an origin among
--    several websites on one form factor; on the dashboard a page or route filtered by device).
--    Its size is bounded by pages x 3 device types, not by events: about 3 times the page pair.
--
-- 2. Page loads (TTFB samples: web-vitals reports TTFB once per page load) per page, device
--    type and navigation type, without bins or ratings: the counts behind CrUX's
--    `form_factors` and `navigation_types` fractions, which split a record's page loads by one of
--    those dimensions while the record filters by the others. At most pages x 3 x 7 rows a day.
--
-- Both are materialised over the existing events by `rum migrate` right after this migration.

CREATE MATERIALIZED VIEW metrics_hourly_by_page_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, page_id, device_type, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, page_id, device_type, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_page_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id, device_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_page_device
GROUP BY 1, project_id, name, page_id, device_type, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_page_device_project_idx ON metrics_hourly_by_page_device (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_page_device_value_idx ON metrics_hourly_by_page_device (project_id, name, page_id, device_type, bucket DESC);
CREATE INDEX metrics_daily_by_page_device_project_idx ON metrics_daily_by_page_device (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_page_device_value_idx ON metrics_daily_by_page_device (project_id, name, page_id, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_page_device',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_page_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_page_device SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, page_id, device_type',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_page_device', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_page_device', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_page_device', INTERVAL '5 years');

-- `name` is always 'TTFB': kept so the filters every query builds (project, metric, page,
-- device, navigation type) apply to this pair unchanged.
CREATE MATERIALIZED VIEW metrics_hourly_page_loads
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, page_id, device_type,
  navigation_type, count(*) AS samples
FROM metrics
WHERE name = 'TTFB'
GROUP BY bucket, project_id, name, page_id, device_type, navigation_type
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_page_loads
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, page_id, device_type,
  navigation_type, sum(samples)::bigint AS samples
FROM metrics_hourly_page_loads
GROUP BY 1, project_id, name, page_id, device_type, navigation_type
WITH NO DATA;

CREATE INDEX metrics_hourly_page_loads_project_idx ON metrics_hourly_page_loads (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_page_loads_value_idx ON metrics_hourly_page_loads (project_id, name, page_id, bucket DESC);
CREATE INDEX metrics_daily_page_loads_project_idx ON metrics_daily_page_loads (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_page_loads_value_idx ON metrics_daily_page_loads (project_id, name, page_id, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_page_loads',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_page_loads',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_page_loads SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, page_id',
  timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('metrics_daily_page_loads', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_page_loads', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_page_loads', INTERVAL '5 years');
