-- Packed rollups for the overall and device keys too (issue 12), as 0021 packs pages, routes
-- and countries: the summaries, time series, device breakdowns, assessments and CrUX records
-- and histories read these rollups most, and a 25- to 40-period CrUX history summed about 300
-- days of daily (bin, rating) rows per metric (40-48 ms at 10M events). Hourly and daily, on
-- the bin rollups of the same width; neither key has a weekly rollup.

CREATE MATERIALIZED VIEW metrics_hourly_overall_packed
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

CREATE MATERIALIZED VIEW metrics_daily_overall_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_device_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_device_packed
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

CREATE INDEX metrics_hourly_overall_packed_project_idx ON metrics_hourly_overall_packed (project_id, name, bucket DESC) INCLUDE (samples, good, poor);
CREATE INDEX metrics_daily_overall_packed_project_idx ON metrics_daily_overall_packed (project_id, name, bucket DESC) INCLUDE (samples, good, poor);
CREATE INDEX metrics_hourly_by_device_packed_project_idx ON metrics_hourly_by_device_packed (project_id, name, bucket DESC) INCLUDE (device_type, samples, good, poor);
CREATE INDEX metrics_hourly_by_device_packed_value_idx ON metrics_hourly_by_device_packed (project_id, name, device_type, bucket DESC);
CREATE INDEX metrics_daily_by_device_packed_project_idx ON metrics_daily_by_device_packed (project_id, name, bucket DESC) INCLUDE (device_type, samples, good, poor);
CREATE INDEX metrics_daily_by_device_packed_value_idx ON metrics_daily_by_device_packed (project_id, name, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_overall_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_overall_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_device_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_device_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_retention_policy('metrics_hourly_overall_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_overall_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_device_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_device_packed', INTERVAL '5 years');
