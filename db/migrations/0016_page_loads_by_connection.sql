-- Page loads per connection type, device type and navigation type (issue 12). CrUX's form
-- factor and navigation type fractions of a record on a connection type (an origin on 4G)
-- counted raw TTFB rows: 687 ms for 28 days at 10M events. Keyed like the page-loads pair of
-- 0012 with the connection type in place of the page: at most 5 x 3 x 7 rows per hour and
-- project, whatever the traffic. An origin among several websites on a connection type (page
-- and connection together) is still counted from raw rows.
CREATE MATERIALIZED VIEW metrics_hourly_page_loads_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, connection, device_type,
  navigation_type, count(*) AS samples
FROM metrics
WHERE name = 'TTFB'
GROUP BY bucket, project_id, name, connection, device_type, navigation_type
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_page_loads_by_connection
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, connection, device_type,
  navigation_type, sum(samples)::bigint AS samples
FROM metrics_hourly_page_loads_by_connection
GROUP BY 1, project_id, name, connection, device_type, navigation_type
WITH NO DATA;

CREATE INDEX metrics_hourly_page_loads_by_connection_project_idx ON metrics_hourly_page_loads_by_connection (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_page_loads_by_connection_value_idx ON metrics_hourly_page_loads_by_connection (project_id, name, connection, bucket DESC);
CREATE INDEX metrics_daily_page_loads_by_connection_project_idx ON metrics_daily_page_loads_by_connection (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_page_loads_by_connection_value_idx ON metrics_daily_page_loads_by_connection (project_id, name, connection, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_page_loads_by_connection',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_page_loads_by_connection',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_page_loads_by_connection SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, connection',
  timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('metrics_daily_page_loads_by_connection', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_page_loads_by_connection', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_page_loads_by_connection', INTERVAL '5 years');
