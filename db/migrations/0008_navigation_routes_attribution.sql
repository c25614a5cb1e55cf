-- Why and where (issue 13): navigation types as a rollup dimension, route templates for pages,
-- and a bounded daily rollup of attribution (LCP element/resource, INP target/type, CLS target,
-- LCP subparts and INP phases).

-- Navigation type (navigate, reload, back-forward, back-forward-cache, prerender, restore; NULL
-- when the SDK sent none): one more rollup pair keyed by its value, as every dimension of 0006.
CREATE MATERIALIZED VIEW metrics_hourly_by_navigation_type
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket, project_id, name, navigation_type, rating, bin,
  count(*) AS samples
FROM metrics
GROUP BY bucket, project_id, name, navigation_type, rating, bin
WITH NO DATA;

CREATE MATERIALIZED VIEW metrics_daily_by_navigation_type
WITH (timescaledb.continuous, timescaledb.materialized_only = false,
      timescaledb.create_group_indexes = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, project_id, name, navigation_type, rating, bin,
  sum(samples)::bigint AS samples
FROM metrics_hourly_by_navigation_type
GROUP BY 1, project_id, name, navigation_type, rating, bin
WITH NO DATA;

CREATE INDEX metrics_hourly_by_navigation_type_project_idx ON metrics_hourly_by_navigation_type (project_id, name, bucket DESC);
CREATE INDEX metrics_hourly_by_navigation_type_value_idx ON metrics_hourly_by_navigation_type (project_id, name, navigation_type, bucket DESC);
CREATE INDEX metrics_daily_by_navigation_type_project_idx ON metrics_daily_by_navigation_type (project_id, name, bucket DESC);
CREATE INDEX metrics_daily_by_navigation_type_value_idx ON metrics_daily_by_navigation_type (project_id, name, navigation_type, bucket DESC);

SELECT add_continuous_aggregate_policy('metrics_hourly_by_navigation_type',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('metrics_daily_by_navigation_type',
  start_offset => INTERVAL '5 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
ALTER MATERIALIZED VIEW metrics_daily_by_navigation_type SET (
  timescaledb.compress = true,
  timescaledb.compress_segmentby = 'project_id, name, navigation_type',
  timescaledb.compress_orderby = 'bucket DESC, bin');
SELECT add_compression_policy('metrics_daily_by_navigation_type', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('metrics_hourly_by_navigation_type', INTERVAL '13 months');
SELECT add_retention_policy('metrics_daily_by_navigation_type', INTERVAL '5 years');

-- Route templates. A page's route is an attribute of the page row (a dimension table), not of
-- its events: re-templating rewrites `pages.route` for a project's pages, never an event, so new
-- patterns apply to everything already stored. `rum_route` is the one implementation: the
-- project's own patterns first (`:name` matches one path segment, `*` the rest), then automatic
-- templating of ID-like segments.
ALTER TABLE projects ADD COLUMN route_patterns text[] NOT NULL DEFAULT '{}';

-- The regular expression of one pattern: literal text, `:name` one segment, `*` anything.
CREATE FUNCTION rum_route_regex(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT '^' || regexp_replace(
                  regexp_replace(
                    regexp_replace(rtrim(pattern, '/'), '([][(){}.+?^$|\\])', '\\\1', 'g'),
                    ':[A-Za-z_][A-Za-z0-9_]*', '[^/]+', 'g'),
                  '\*', '.*', 'g')
         || '/?$'
$fn$;

-- An ID-like path segment becomes `:id` (all digits; a UUID; 12 or more hex digits with at least
-- one digit; a 20+ character token of letters and digits holding both), and a hash inside a file
-- name (`app.3f9a2b1c.js`) becomes `:hash`.
CREATE FUNCTION rum_route(path text, patterns text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  pattern text;
BEGIN
  FOREACH pattern IN ARRAY coalesce(patterns, '{}'::text[]) LOOP
    IF path ~ rum_route_regex(pattern) THEN
      RETURN pattern;
    END IF;
  END LOOP;
  RETURN (
    SELECT string_agg(
             CASE
               WHEN seg ~ '^[0-9]+$'
                 OR seg ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                 OR (seg ~* '^[0-9a-f]{12,}$' AND seg ~ '[0-9]')
                 OR (length(seg) >= 20 AND seg ~ '^[A-Za-z0-9_-]+$' AND seg ~ '[0-9]' AND seg ~ '[A-Za-z]')
               THEN ':id'
               ELSE regexp_replace(seg, '([._-])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}(?=[._-]|$)', '\1:hash', 'g')
             END, '/' ORDER BY n)
      FROM regexp_split_to_table(path, '/') WITH ORDINALITY AS s(seg, n));
END
$fn$;

ALTER TABLE pages ADD COLUMN route text;
UPDATE pages p SET route = rum_route(p.path, pr.route_patterns)
  FROM websites w JOIN projects pr ON pr.id = w.project_id
 WHERE w.id = p.website_id;
ALTER TABLE pages ALTER COLUMN route SET NOT NULL;
CREATE INDEX pages_website_route_idx ON pages (website_id, route);

-- A new page takes its route from its project's patterns as they are when it is inserted. The
-- project row is read FOR SHARE: `rum project routes set` updates that row before re-templating
-- the project's pages, so a page is either inserted before (and re-templated by it) or waits and
-- sees the new patterns.
CREATE FUNCTION pages_set_route() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.route := rum_route(NEW.path, (
    SELECT pr.route_patterns FROM projects pr JOIN websites w ON w.project_id = pr.id
     WHERE w.id = NEW.website_id FOR SHARE OF pr));
  RETURN NEW;
END
$fn$;

CREATE TRIGGER pages_set_route BEFORE INSERT ON pages
  FOR EACH ROW EXECUTE FUNCTION pages_set_route();

-- Attribution per day, bounded: per project, metric, attribution key and UTC day, the top
-- values (ranked by poor samples, then samples) keep their own rows and the rest are summed
-- into '(other)'; samples without the key are '(none)'. Rows count samples per rating and
-- log-spaced bin of the metric's value, like the rollups. Key 'phase' holds the LCP subparts
-- and INP phases: `value` names the phase, `bin` is the bin of its duration, `rating` the
-- metric's. Written by the workers once a day is complete (services/workers/src/attribution-rollup.ts);
-- `attribution_days` records which days are, and the query API reads raw rows for the others.
CREATE TABLE attribution_daily (
  bucket     timestamptz NOT NULL,
  project_id integer NOT NULL,
  name       text NOT NULL,
  key        text NOT NULL,
  value      text NOT NULL,
  rating     text NOT NULL,
  bin        smallint NOT NULL,
  samples    bigint NOT NULL,
  PRIMARY KEY (project_id, name, key, bucket, value, rating, bin)
);

CREATE TABLE attribution_days (
  bucket    timestamptz PRIMARY KEY,
  rolled_at timestamptz NOT NULL DEFAULT now()
);
