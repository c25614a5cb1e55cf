-- Rollup indexes of databases created before commit e49d7c1 ("rollups: one (project, metric,
-- bucket) index each instead of TimescaleDB's index per GROUP BY column").
--
-- Those databases have TimescaleDB's default index per GROUP BY column on each rollup's
-- materialization hypertable (11 on the wide rollups), which every refresh maintains and which
-- the planner preferred over ours, and they lack the (page, metric, bucket) indexes. This drops
-- every index on a rollup's materialization hypertable except ours and the time index
-- TimescaleDB puts on every hypertable, then creates ours where missing. On a database built by
-- 0001 it finds nothing to drop and nothing to create.
--
-- The continuous aggregates keep `timescaledb.create_group_indexes` as they were created:
-- the option cannot be altered, and it only matters when a rollup is created.

DO $$
DECLARE
  idx record;
BEGIN
  FOR idx IN
    SELECT i.schemaname, i.indexname
      FROM timescaledb_information.continuous_aggregates c
      JOIN pg_indexes i ON i.schemaname = c.materialization_hypertable_schema
                       AND i.tablename = c.materialization_hypertable_name
     WHERE c.view_schema = current_schema()
       AND c.view_name IN ('metrics_hourly', 'metrics_daily',
                           'metrics_hourly_overall', 'metrics_daily_overall')
       AND i.indexname <> c.materialization_hypertable_name || '_bucket_idx'
       AND i.indexname NOT IN ('metrics_hourly_project_idx', 'metrics_daily_project_idx',
                               'metrics_hourly_page_idx', 'metrics_daily_page_idx',
                               'metrics_hourly_overall_project_idx',
                               'metrics_daily_overall_project_idx')
  LOOP
    EXECUTE format('DROP INDEX %I.%I', idx.schemaname, idx.indexname);
  END LOOP;
END
$$;

CREATE INDEX IF NOT EXISTS metrics_hourly_project_idx ON metrics_hourly (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_project_idx ON metrics_daily (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_page_idx ON metrics_hourly (page_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_page_idx ON metrics_daily (page_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_hourly_overall_project_idx ON metrics_hourly_overall (project_id, name, bucket DESC);
CREATE INDEX IF NOT EXISTS metrics_daily_overall_project_idx ON metrics_daily_overall (project_id, name, bucket DESC);
