-- Rollup reads answered from their indexes alone (issue 12). Each bin rollup's indexes on
-- (project_id, name, bucket) and (project_id, name, <key>, bucket) now carry the columns a read
-- takes (its other group columns and samples), so a window's rows come from an index-only scan.
-- Without them the real server's planner read the rollups' recent chunks by their bucket index
-- (the rows lie in bucket order on disk, so it costed that as nearly sequential) and filtered
-- out the other metrics and projects row by row: at 10M events, 24 hours of the hourly page
-- rollup took 56 ms to scan 271,000 rows for the 51,000 of one metric, and 14 ms by the
-- covering index. Compressed chunks keep their own indexes; these serve the uncompressed ones
-- (the hourly rollups, the daily ones' last week, the weekly ones). The page-load rollups are
-- small and keep theirs. Refreshing an hour costs about 10-20% more (wider index entries).

DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_overall_project_idx;
CREATE INDEX metrics_hourly_overall_project_idx ON metrics_hourly_overall (project_id, name, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_overall_project_idx;
CREATE INDEX metrics_daily_overall_project_idx ON metrics_daily_overall (project_id, name, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_page_project_idx;
CREATE INDEX metrics_hourly_by_page_project_idx ON metrics_hourly_by_page (project_id, name, bucket DESC) INCLUDE (page_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_page_value_idx;
CREATE INDEX metrics_hourly_by_page_value_idx ON metrics_hourly_by_page (project_id, name, page_id, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_page_project_idx;
CREATE INDEX metrics_daily_by_page_project_idx ON metrics_daily_by_page (project_id, name, bucket DESC) INCLUDE (page_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_page_value_idx;
CREATE INDEX metrics_daily_by_page_value_idx ON metrics_daily_by_page (project_id, name, page_id, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_device_project_idx;
CREATE INDEX metrics_hourly_by_device_project_idx ON metrics_hourly_by_device (project_id, name, bucket DESC) INCLUDE (device_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_device_value_idx;
CREATE INDEX metrics_hourly_by_device_value_idx ON metrics_hourly_by_device (project_id, name, device_type, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_device_project_idx;
CREATE INDEX metrics_daily_by_device_project_idx ON metrics_daily_by_device (project_id, name, bucket DESC) INCLUDE (device_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_device_value_idx;
CREATE INDEX metrics_daily_by_device_value_idx ON metrics_daily_by_device (project_id, name, device_type, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_browser_project_idx;
CREATE INDEX metrics_hourly_by_browser_project_idx ON metrics_hourly_by_browser (project_id, name, bucket DESC) INCLUDE (browser, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_browser_value_idx;
CREATE INDEX metrics_hourly_by_browser_value_idx ON metrics_hourly_by_browser (project_id, name, browser, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_browser_project_idx;
CREATE INDEX metrics_daily_by_browser_project_idx ON metrics_daily_by_browser (project_id, name, bucket DESC) INCLUDE (browser, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_browser_value_idx;
CREATE INDEX metrics_daily_by_browser_value_idx ON metrics_daily_by_browser (project_id, name, browser, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_os_project_idx;
CREATE INDEX metrics_hourly_by_os_project_idx ON metrics_hourly_by_os (project_id, name, bucket DESC) INCLUDE (os, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_os_value_idx;
CREATE INDEX metrics_hourly_by_os_value_idx ON metrics_hourly_by_os (project_id, name, os, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_os_project_idx;
CREATE INDEX metrics_daily_by_os_project_idx ON metrics_daily_by_os (project_id, name, bucket DESC) INCLUDE (os, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_os_value_idx;
CREATE INDEX metrics_daily_by_os_value_idx ON metrics_daily_by_os (project_id, name, os, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_country_project_idx;
CREATE INDEX metrics_hourly_by_country_project_idx ON metrics_hourly_by_country (project_id, name, bucket DESC) INCLUDE (country, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_country_value_idx;
CREATE INDEX metrics_hourly_by_country_value_idx ON metrics_hourly_by_country (project_id, name, country, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_country_project_idx;
CREATE INDEX metrics_daily_by_country_project_idx ON metrics_daily_by_country (project_id, name, bucket DESC) INCLUDE (country, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_country_value_idx;
CREATE INDEX metrics_daily_by_country_value_idx ON metrics_daily_by_country (project_id, name, country, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_connection_project_idx;
CREATE INDEX metrics_hourly_by_connection_project_idx ON metrics_hourly_by_connection (project_id, name, bucket DESC) INCLUDE (connection, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_connection_value_idx;
CREATE INDEX metrics_hourly_by_connection_value_idx ON metrics_hourly_by_connection (project_id, name, connection, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_connection_project_idx;
CREATE INDEX metrics_daily_by_connection_project_idx ON metrics_daily_by_connection (project_id, name, bucket DESC) INCLUDE (connection, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_connection_value_idx;
CREATE INDEX metrics_daily_by_connection_value_idx ON metrics_daily_by_connection (project_id, name, connection, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_navigation_type_project_idx;
CREATE INDEX metrics_hourly_by_navigation_type_project_idx ON metrics_hourly_by_navigation_type (project_id, name, bucket DESC) INCLUDE (navigation_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_navigation_type_value_idx;
CREATE INDEX metrics_hourly_by_navigation_type_value_idx ON metrics_hourly_by_navigation_type (project_id, name, navigation_type, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_navigation_type_project_idx;
CREATE INDEX metrics_daily_by_navigation_type_project_idx ON metrics_daily_by_navigation_type (project_id, name, bucket DESC) INCLUDE (navigation_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_navigation_type_value_idx;
CREATE INDEX metrics_daily_by_navigation_type_value_idx ON metrics_daily_by_navigation_type (project_id, name, navigation_type, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_release_project_idx;
CREATE INDEX metrics_hourly_by_release_project_idx ON metrics_hourly_by_release (project_id, name, bucket DESC) INCLUDE (release, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_release_value_idx;
CREATE INDEX metrics_hourly_by_release_value_idx ON metrics_hourly_by_release (project_id, name, release, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_release_project_idx;
CREATE INDEX metrics_daily_by_release_project_idx ON metrics_daily_by_release (project_id, name, bucket DESC) INCLUDE (release, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_release_value_idx;
CREATE INDEX metrics_daily_by_release_value_idx ON metrics_daily_by_release (project_id, name, release, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_page_device_project_idx;
CREATE INDEX metrics_hourly_by_page_device_project_idx ON metrics_hourly_by_page_device (project_id, name, bucket DESC) INCLUDE (page_id, device_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_page_device_value_idx;
CREATE INDEX metrics_hourly_by_page_device_value_idx ON metrics_hourly_by_page_device (project_id, name, page_id, device_type, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_page_device_project_idx;
CREATE INDEX metrics_daily_by_page_device_project_idx ON metrics_daily_by_page_device (project_id, name, bucket DESC) INCLUDE (page_id, device_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_page_device_value_idx;
CREATE INDEX metrics_daily_by_page_device_value_idx ON metrics_daily_by_page_device (project_id, name, page_id, device_type, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_route_project_idx;
CREATE INDEX metrics_hourly_by_route_project_idx ON metrics_hourly_by_route (project_id, name, bucket DESC) INCLUDE (website_id, route, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_route_value_idx;
CREATE INDEX metrics_hourly_by_route_value_idx ON metrics_hourly_by_route (project_id, name, route, bucket DESC) INCLUDE (website_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_route_project_idx;
CREATE INDEX metrics_daily_by_route_project_idx ON metrics_daily_by_route (project_id, name, bucket DESC) INCLUDE (website_id, route, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_route_value_idx;
CREATE INDEX metrics_daily_by_route_value_idx ON metrics_daily_by_route (project_id, name, route, bucket DESC) INCLUDE (website_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_route_device_project_idx;
CREATE INDEX metrics_hourly_by_route_device_project_idx ON metrics_hourly_by_route_device (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_hourly_by_route_device_value_idx;
CREATE INDEX metrics_hourly_by_route_device_value_idx ON metrics_hourly_by_route_device (project_id, name, route, device_type, bucket DESC) INCLUDE (website_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_route_device_project_idx;
CREATE INDEX metrics_daily_by_route_device_project_idx ON metrics_daily_by_route_device (project_id, name, bucket DESC) INCLUDE (website_id, route, device_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_daily_by_route_device_value_idx;
CREATE INDEX metrics_daily_by_route_device_value_idx ON metrics_daily_by_route_device (project_id, name, route, device_type, bucket DESC) INCLUDE (website_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_page_project_idx;
CREATE INDEX metrics_weekly_by_page_project_idx ON metrics_weekly_by_page (project_id, name, bucket DESC) INCLUDE (page_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_page_value_idx;
CREATE INDEX metrics_weekly_by_page_value_idx ON metrics_weekly_by_page (project_id, name, page_id, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_route_project_idx;
CREATE INDEX metrics_weekly_by_route_project_idx ON metrics_weekly_by_route (project_id, name, bucket DESC) INCLUDE (website_id, route, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_route_value_idx;
CREATE INDEX metrics_weekly_by_route_value_idx ON metrics_weekly_by_route (project_id, name, route, bucket DESC) INCLUDE (website_id, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_country_project_idx;
CREATE INDEX metrics_weekly_by_country_project_idx ON metrics_weekly_by_country (project_id, name, bucket DESC) INCLUDE (country, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_country_value_idx;
CREATE INDEX metrics_weekly_by_country_value_idx ON metrics_weekly_by_country (project_id, name, country, bucket DESC) INCLUDE (rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_page_device_project_idx;
CREATE INDEX metrics_weekly_by_page_device_project_idx ON metrics_weekly_by_page_device (project_id, name, bucket DESC) INCLUDE (page_id, device_type, rating, bin, samples);
DROP INDEX IF EXISTS _timescaledb_internal.metrics_weekly_by_page_device_value_idx;
CREATE INDEX metrics_weekly_by_page_device_value_idx ON metrics_weekly_by_page_device (project_id, name, page_id, device_type, bucket DESC) INCLUDE (rating, bin, samples);
