-- Packed bin rollups for the keys with many values (issue 12): per (bucket, metric, key), one
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

CREATE MATERIALIZED VIEW metrics_hourly_by_page_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_page_packed
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

CREATE MATERIALIZED VIEW metrics_weekly_by_page_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_route_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_route_packed
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

CREATE MATERIALIZED VIEW metrics_weekly_by_route_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_country_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_country_packed
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

CREATE MATERIALIZED VIEW metrics_weekly_by_country_packed
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

CREATE INDEX metrics_hourly_by_page_packed_project_idx ON metrics_hourly_by_page_packed (project_id, name, bucket DESC) INCLUDE (page_id, samples, good, poor);
CREATE INDEX metrics_hourly_by_page_packed_value_idx ON metrics_hourly_by_page_packed (project_id, name, page_id, bucket DESC);
CREATE INDEX metrics_daily_by_page_packed_project_idx ON metrics_daily_by_page_packed (project_id, name, bucket DESC) INCLUDE (page_id, samples, good, poor);
CREATE INDEX metrics_daily_by_page_packed_value_idx ON metrics_daily_by_page_packed (project_id, name, page_id, bucket DESC);
CREATE INDEX metrics_weekly_by_page_packed_project_idx ON metrics_weekly_by_page_packed (project_id, name, bucket DESC) INCLUDE (page_id, samples, good, poor);
CREATE INDEX metrics_weekly_by_page_packed_value_idx ON metrics_weekly_by_page_packed (project_id, name, page_id, bucket DESC);
CREATE INDEX metrics_hourly_by_route_packed_project_idx ON metrics_hourly_by_route_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, samples, good, poor);
CREATE INDEX metrics_hourly_by_route_packed_value_idx ON metrics_hourly_by_route_packed (project_id, name, route, bucket DESC);
CREATE INDEX metrics_daily_by_route_packed_project_idx ON metrics_daily_by_route_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, samples, good, poor);
CREATE INDEX metrics_daily_by_route_packed_value_idx ON metrics_daily_by_route_packed (project_id, name, route, bucket DESC);
CREATE INDEX metrics_weekly_by_route_packed_project_idx ON metrics_weekly_by_route_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, samples, good, poor);
CREATE INDEX metrics_weekly_by_route_packed_value_idx ON metrics_weekly_by_route_packed (project_id, name, route, bucket DESC);
CREATE INDEX metrics_hourly_by_country_packed_project_idx ON metrics_hourly_by_country_packed (project_id, name, bucket DESC) INCLUDE (country, samples, good, poor);
CREATE INDEX metrics_hourly_by_country_packed_value_idx ON metrics_hourly_by_country_packed (project_id, name, country, bucket DESC);
CREATE INDEX metrics_daily_by_country_packed_project_idx ON metrics_daily_by_country_packed (project_id, name, bucket DESC) INCLUDE (country, samples, good, poor);
CREATE INDEX metrics_daily_by_country_packed_value_idx ON metrics_daily_by_country_packed (project_id, name, country, bucket DESC);
CREATE INDEX metrics_weekly_by_country_packed_project_idx ON metrics_weekly_by_country_packed (project_id, name, bucket DESC) INCLUDE (country, samples, good, poor);
CREATE INDEX metrics_weekly_by_country_packed_value_idx ON metrics_weekly_by_country_packed (project_id, name, country, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_page_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_page_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_route_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_route_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_route_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_country_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_country_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_country_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_retention_policy('metrics_hourly_by_page_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_page_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_weekly_by_page_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_route_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_route_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_weekly_by_route_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_country_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_country_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_weekly_by_country_packed', INTERVAL '5 years');
