-- Rollups keyed by route and device type together (issue 12). A route filter beside a device
-- filter (the dashboard's route on mobile, and the Core Web Vitals assessment of a route, which
-- asks per form factor) read the page x device pair for every page of the route: at 10M events
-- the 28-day assessment of `/products/:id` (200 pages) took 439 ms, 210 ms once that pair had
-- weekly rows. Keyed like the route pair of 0014 (each row's route joined from `pages` at
-- refresh) with the device type beside it: its size follows routes x 3 device types.
--
-- A join is not watched for changes: `rum project routes set` refreshes this pair with `force`
-- too when it re-templates pages (server-kit/src/routes.ts).
CREATE MATERIALIZED VIEW metrics_hourly_by_route_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', m.time) AS bucket, m.project_id, m.name, m.website_id,
  p.route, m.device_type, m.rating, m.bin, count(*) AS samples
FROM metrics m JOIN pages p ON p.id = m.page_id
GROUP BY 1, m.project_id, m.name, m.website_id, p.route, m.device_type, m.rating, m.bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_route_device
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, website_id, route,
  device_type, rating, bin, sum(samples)::bigint AS samples
FROM metrics_hourly_by_route_device
GROUP BY 1, project_id, name, website_id, route, device_type, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_route_device_project_idx ON metrics_hourly_by_route_device (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_route_device_value_idx ON metrics_hourly_by_route_device (project_id, name, route, device_type, bucket DESC);
CREATE INDEX metrics_daily_by_route_device_project_idx ON metrics_daily_by_route_device (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_route_device_value_idx ON metrics_daily_by_route_device (project_id, name, route, device_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_route_device',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_route_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_route_device SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, route, device_type',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_route_device', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_route_device', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_route_device', INTERVAL '5 years');
