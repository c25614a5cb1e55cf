-- Packed rollups for every other bin rollup (issue 12), as 0021 and 0023 pack the rest: the
-- breakdowns by browser, OS, connection, navigation type and release, the CrUX url on a form
-- factor (page x device) and a route's assessment per form factor (route x device) read a row
-- per bucket and key instead of one per bucket, key, bin and rating. With these, every
-- question but the histogram reads packed rows; the bin rollups stay the packed ones' source
-- and the histogram's.

CREATE MATERIALIZED VIEW metrics_hourly_by_browser_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_browser_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_os_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_os_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_connection_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_connection_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_navigation_type_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_navigation_type_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_release_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_release_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_page_device_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_page_device_packed
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

CREATE MATERIALIZED VIEW metrics_weekly_by_page_device_packed
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

CREATE MATERIALIZED VIEW metrics_hourly_by_route_device_packed
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

CREATE MATERIALIZED VIEW metrics_daily_by_route_device_packed
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

CREATE INDEX metrics_hourly_by_browser_packed_project_idx ON metrics_hourly_by_browser_packed (project_id, name, bucket DESC) INCLUDE (browser, samples, good, poor);
CREATE INDEX metrics_hourly_by_browser_packed_value_idx ON metrics_hourly_by_browser_packed (project_id, name, browser, bucket DESC);
CREATE INDEX metrics_daily_by_browser_packed_project_idx ON metrics_daily_by_browser_packed (project_id, name, bucket DESC) INCLUDE (browser, samples, good, poor);
CREATE INDEX metrics_daily_by_browser_packed_value_idx ON metrics_daily_by_browser_packed (project_id, name, browser, bucket DESC);
CREATE INDEX metrics_hourly_by_os_packed_project_idx ON metrics_hourly_by_os_packed (project_id, name, bucket DESC) INCLUDE (os, samples, good, poor);
CREATE INDEX metrics_hourly_by_os_packed_value_idx ON metrics_hourly_by_os_packed (project_id, name, os, bucket DESC);
CREATE INDEX metrics_daily_by_os_packed_project_idx ON metrics_daily_by_os_packed (project_id, name, bucket DESC) INCLUDE (os, samples, good, poor);
CREATE INDEX metrics_daily_by_os_packed_value_idx ON metrics_daily_by_os_packed (project_id, name, os, bucket DESC);
CREATE INDEX metrics_hourly_by_connection_packed_project_idx ON metrics_hourly_by_connection_packed (project_id, name, bucket DESC) INCLUDE (connection, samples, good, poor);
CREATE INDEX metrics_hourly_by_connection_packed_value_idx ON metrics_hourly_by_connection_packed (project_id, name, connection, bucket DESC);
CREATE INDEX metrics_daily_by_connection_packed_project_idx ON metrics_daily_by_connection_packed (project_id, name, bucket DESC) INCLUDE (connection, samples, good, poor);
CREATE INDEX metrics_daily_by_connection_packed_value_idx ON metrics_daily_by_connection_packed (project_id, name, connection, bucket DESC);
CREATE INDEX metrics_hourly_by_navigation_type_packed_project_idx ON metrics_hourly_by_navigation_type_packed (project_id, name, bucket DESC) INCLUDE (navigation_type, samples, good, poor);
CREATE INDEX metrics_hourly_by_navigation_type_packed_value_idx ON metrics_hourly_by_navigation_type_packed (project_id, name, navigation_type, bucket DESC);
CREATE INDEX metrics_daily_by_navigation_type_packed_project_idx ON metrics_daily_by_navigation_type_packed (project_id, name, bucket DESC) INCLUDE (navigation_type, samples, good, poor);
CREATE INDEX metrics_daily_by_navigation_type_packed_value_idx ON metrics_daily_by_navigation_type_packed (project_id, name, navigation_type, bucket DESC);
CREATE INDEX metrics_hourly_by_release_packed_project_idx ON metrics_hourly_by_release_packed (project_id, name, bucket DESC) INCLUDE (release, samples, good, poor);
CREATE INDEX metrics_hourly_by_release_packed_value_idx ON metrics_hourly_by_release_packed (project_id, name, release, bucket DESC);
CREATE INDEX metrics_daily_by_release_packed_project_idx ON metrics_daily_by_release_packed (project_id, name, bucket DESC) INCLUDE (release, samples, good, poor);
CREATE INDEX metrics_daily_by_release_packed_value_idx ON metrics_daily_by_release_packed (project_id, name, release, bucket DESC);
CREATE INDEX metrics_hourly_by_page_device_packed_project_idx ON metrics_hourly_by_page_device_packed (project_id, name, bucket DESC) INCLUDE (page_id, device_type, samples, good, poor);
CREATE INDEX metrics_hourly_by_page_device_packed_value_idx ON metrics_hourly_by_page_device_packed (project_id, name, page_id, device_type, bucket DESC);
CREATE INDEX metrics_daily_by_page_device_packed_project_idx ON metrics_daily_by_page_device_packed (project_id, name, bucket DESC) INCLUDE (page_id, device_type, samples, good, poor);
CREATE INDEX metrics_daily_by_page_device_packed_value_idx ON metrics_daily_by_page_device_packed (project_id, name, page_id, device_type, bucket DESC);
CREATE INDEX metrics_weekly_by_page_device_packed_project_idx ON metrics_weekly_by_page_device_packed (project_id, name, bucket DESC) INCLUDE (page_id, device_type, samples, good, poor);
CREATE INDEX metrics_weekly_by_page_device_packed_value_idx ON metrics_weekly_by_page_device_packed (project_id, name, page_id, device_type, bucket DESC);
CREATE INDEX metrics_hourly_by_route_device_packed_project_idx ON metrics_hourly_by_route_device_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, samples, good, poor);
CREATE INDEX metrics_hourly_by_route_device_packed_value_idx ON metrics_hourly_by_route_device_packed (project_id, name, route, device_type, bucket DESC);
CREATE INDEX metrics_daily_by_route_device_packed_project_idx ON metrics_daily_by_route_device_packed (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, samples, good, poor);
CREATE INDEX metrics_daily_by_route_device_packed_value_idx ON metrics_daily_by_route_device_packed (project_id, name, route, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_browser_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_browser_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_os_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_os_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_connection_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_connection_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_navigation_type_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_navigation_type_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_release_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_release_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_page_device_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_page_device_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page_device_packed',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_hourly_by_route_device_packed',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_route_device_packed',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT add_retention_policy('metrics_hourly_by_browser_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_browser_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_os_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_os_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_connection_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_connection_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_navigation_type_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_navigation_type_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_release_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_release_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_page_device_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_page_device_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_weekly_by_page_device_packed', INTERVAL '5 years');
SELECT add_retention_policy('metrics_hourly_by_route_device_packed', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_route_device_packed', INTERVAL '5 years');
