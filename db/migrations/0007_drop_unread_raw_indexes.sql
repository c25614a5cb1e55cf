-- Indexes on the raw hypertables that no query reads, dropped: every one of them was paid for
-- by every inserted row (a B-tree insertion and its WAL), and ingest is the hot path.
--
-- - (session_id): a session's rows are looked up with their project, which the idempotency
--   key (project_id, session_id, …) already serves;
-- - (device_type, browser, country): filters on a dimension go with a project, a metric and a
--   time range, which (project_id, name, time) serves, or to the per-dimension rollups;
-- - (website_id, time): nothing filters on a website without its pages or its project.
--
-- What stays on metrics: TimescaleDB's (time) index, the idempotency key, (page_id, time) for
-- page filters and (project_id, name, time) for everything else; on js_errors the same with
-- (project_id, fingerprint, time).
DROP INDEX IF EXISTS metrics_session_idx;
DROP INDEX IF EXISTS metrics_dimensions_idx;
DROP INDEX IF EXISTS metrics_website_time_idx;
DROP INDEX IF EXISTS js_errors_session_idx;
DROP INDEX IF EXISTS js_errors_dimensions_idx;
DROP INDEX IF EXISTS js_errors_website_time_idx;
