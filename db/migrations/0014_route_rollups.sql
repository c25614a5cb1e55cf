-- Rollups keyed by route (issue 12). A route filter resolved to its page ids and read the page
-- rollups of every one of them: at 10M events `route=/products/:id` (200 pages) took 84 / 224 /
-- 652 ms for 24 h / 7 d / 30 d, a page filter 16 / 16 / 26. One pair keyed by (website, route),
-- the route of each row's page joined from `pages` as the hourly rollup is refreshed (a
-- continuous aggregate may join one table). Its size follows the number of routes, not pages.
--
-- A join is not watched for changes: when `rum project routes set` re-templates pages, it
-- refreshes this pair over all time with `force` (server-kit/src/routes.ts). Pages get their
-- route when inserted (a trigger, 0008), before any of their rows.
CREATE MATERIALIZED VIEW metrics_hourly_by_route
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', m.time) AS bucket, m.project_id, m.name, m.website_id,
  p.route, m.rating, m.bin, count(*) AS samples
FROM metrics m JOIN pages p ON p.id = m.page_id
GROUP BY 1, m.project_id, m.name, m.website_id, p.route, m.rating, m.bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_route
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, website_id, route,
  rating, bin, sum(samples)::bigint AS samples
FROM metrics_hourly_by_route
GROUP BY 1, project_id, name, website_id, route, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_route_project_idx ON metrics_hourly_by_route (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_route_value_idx ON metrics_hourly_by_route (project_id, name, route, bucket DESC);
CREATE INDEX metrics_daily_by_route_project_idx ON metrics_daily_by_route (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_route_value_idx ON metrics_daily_by_route (project_id, name, route, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_route',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_route',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_route SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, route',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_route', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_route', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_route', INTERVAL '5 years');
