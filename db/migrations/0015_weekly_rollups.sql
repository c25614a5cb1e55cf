-- Weekly rollups for the keys with many values (issue 12). At 10M events a 30-day page list,
-- slow-pages list or country breakdown summed up to 28 daily rows per (key, bin): the rows, not
-- their reading, were the cost (EXPLAIN ANALYZE: 270,000 rows summed into 11,700 cells for the
-- countries). A week's row per (key, bin) stands for up to seven daily ones, so a 30-day window
-- reads its three or four whole weeks here and only the days and hours at its ends from the
-- daily and hourly rollups. The keys with few values (overall, device, browser, ...) are fast
-- enough on their daily rows and get none.
--
-- Weeks are time_bucket's: Monday 00:00 UTC. A week is materialised two days after it ends,
-- once the daily rollup has its last day; late events re-rolled into a daily bucket invalidate
-- the week holding it, which the next hourly run refreshes (30 days back).
CREATE MATERIALIZED VIEW metrics_weekly_by_page
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, page_id, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_page
GROUP BY 1, project_id, name, page_id, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_weekly_by_route
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, website_id, route, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_route
GROUP BY 1, project_id, name, website_id, route, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_weekly_by_country
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, country, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_country
GROUP BY 1, project_id, name, country, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_weekly_by_page_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '7 days', bucket) AS bucket, project_id, name, page_id, device_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_daily_by_page_device
GROUP BY 1, project_id, name, page_id, device_type, rating, bin
WITH NO DATA;

CREATE INDEX metrics_weekly_by_page_project_idx ON metrics_weekly_by_page (project_id, name, bucket DESC);
CREATE INDEX metrics_weekly_by_page_value_idx ON metrics_weekly_by_page (project_id, name, page_id, bucket DESC);
CREATE INDEX metrics_weekly_by_route_project_idx ON metrics_weekly_by_route (project_id, name, bucket DESC);
CREATE INDEX metrics_weekly_by_route_value_idx ON metrics_weekly_by_route (project_id, name, route, bucket DESC);
CREATE INDEX metrics_weekly_by_country_project_idx ON metrics_weekly_by_country (project_id, name, bucket DESC);
CREATE INDEX metrics_weekly_by_country_value_idx ON metrics_weekly_by_country (project_id, name, country, bucket DESC);
CREATE INDEX metrics_weekly_by_page_device_project_idx ON metrics_weekly_by_page_device (project_id, name, bucket DESC);
CREATE INDEX metrics_weekly_by_page_device_value_idx ON metrics_weekly_by_page_device (project_id, name, page_id, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_weekly_by_page',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '2 days',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_route',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '2 days',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_country',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '2 days',
  schedule_interval => INTERVAL '1 hour');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page_device',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '2 days',
  schedule_interval => INTERVAL '1 hour');
SELECT add_retention_policy('metrics_weekly_by_page', INTERVAL '5 years');
SELECT add_retention_policy('metrics_weekly_by_route', INTERVAL '5 years');
SELECT add_retention_policy('metrics_weekly_by_country', INTERVAL '5 years');
SELECT add_retention_policy('metrics_weekly_by_page_device', INTERVAL '5 years');
