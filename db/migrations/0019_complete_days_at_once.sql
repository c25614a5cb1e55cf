-- Days and weeks materialised as soon as they are complete (issue 12). The daily rollups'
-- policies ended a day back (end_offset 1 day) and the weekly ones two days back, so a live
-- database read yesterday, and today, from the hourly rollup (up to 47 hourly buckets per key
-- and bin where a day's row would do) and the last complete week from daily rows. The query
-- bench, which materialises everything at once after loading, never saw that cost; a live
-- install paid it on every 7- and 30-day question. The policies now end two hours back (the
-- daily ones) and three (the weekly ones): a day is materialised from its hours once the last
-- of them is (the hourly rollups end an hour back, refreshed every 5 minutes), a week from its
-- days once the last of them is, and either again on the next run whenever late events change
-- it (TimescaleDB refreshes only the buckets that changed:
-- measured at 10M events a month, 5.3 s for a day of all the daily rollups and 25 s for a week
-- of the weekly ones, so at worst a few minutes a day while beacons for yesterday still
-- arrive).

SELECT remove_continuous_aggregate_policy('metrics_daily_overall');
SELECT add_continuous_aggregate_policy('metrics_daily_overall',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_page');
SELECT add_continuous_aggregate_policy('metrics_daily_by_page',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_device');
SELECT add_continuous_aggregate_policy('metrics_daily_by_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_browser');
SELECT add_continuous_aggregate_policy('metrics_daily_by_browser',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_os');
SELECT add_continuous_aggregate_policy('metrics_daily_by_os',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_country');
SELECT add_continuous_aggregate_policy('metrics_daily_by_country',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_connection');
SELECT add_continuous_aggregate_policy('metrics_daily_by_connection',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_navigation_type');
SELECT add_continuous_aggregate_policy('metrics_daily_by_navigation_type',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_release');
SELECT add_continuous_aggregate_policy('metrics_daily_by_release',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_page_device');
SELECT add_continuous_aggregate_policy('metrics_daily_by_page_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_page_loads');
SELECT add_continuous_aggregate_policy('metrics_daily_page_loads',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_route');
SELECT add_continuous_aggregate_policy('metrics_daily_by_route',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_page_loads_by_connection');
SELECT add_continuous_aggregate_policy('metrics_daily_page_loads_by_connection',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_daily_by_route_device');
SELECT add_continuous_aggregate_policy('metrics_daily_by_route_device',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '2 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_weekly_by_page');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_weekly_by_route');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_route',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_weekly_by_country');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_country',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
SELECT remove_continuous_aggregate_policy('metrics_weekly_by_page_device');
SELECT add_continuous_aggregate_policy('metrics_weekly_by_page_device',
  start_offset => INTERVAL '30 days', end_offset => INTERVAL '3 hours',
  schedule_interval => INTERVAL '1 hour');
