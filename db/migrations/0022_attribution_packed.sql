-- Packed attribution rollups (issue 12), as 0021 packs the bin rollups: per bucket, metric,
-- key, value and rating, one row with its samples and every bin's count packed into a bytea
-- (the bin as int2 and its samples as int8, big-endian). A 30-day LCP-by-URL list read 141,000
-- (value, rating, bin) rows of the weekly, daily and hourly tables at 10M events, and summing
-- them was the cost; the workers now pack each bucket they roll into these tables, in the same
-- transaction, and the query API reads only them. The bin tables stay the source of each
-- packing and of the weekly sums.
CREATE TABLE attribution_daily_packed (
  bucket     timestamptz NOT NULL,
  project_id integer NOT NULL,
  name       text NOT NULL,
  key        text NOT NULL,
  value      text NOT NULL,
  rating     text NOT NULL,
  samples    bigint NOT NULL,
  bins       bytea NOT NULL,
  PRIMARY KEY (project_id, name, key, bucket, value, rating)
);

CREATE TABLE attribution_hourly_packed (LIKE attribution_daily_packed INCLUDING ALL);
SELECT create_hypertable('attribution_hourly_packed', by_range('bucket', INTERVAL '1 day'));
SELECT add_retention_policy('attribution_hourly_packed', INTERVAL '32 days');

CREATE TABLE attribution_weekly_packed (LIKE attribution_daily_packed INCLUDING ALL);

-- The buckets rolled before this migration.
INSERT INTO attribution_daily_packed
SELECT bucket, project_id, name, key, value, rating, sum(samples),
       string_agg(int2send(bin) || int8send(samples), ''::bytea)
  FROM attribution_daily GROUP BY bucket, project_id, name, key, value, rating;
INSERT INTO attribution_hourly_packed
SELECT bucket, project_id, name, key, value, rating, sum(samples),
       string_agg(int2send(bin) || int8send(samples), ''::bytea)
  FROM attribution_hourly GROUP BY bucket, project_id, name, key, value, rating;
INSERT INTO attribution_weekly_packed
SELECT bucket, project_id, name, key, value, rating, sum(samples),
       string_agg(int2send(bin) || int8send(samples), ''::bytea)
  FROM attribution_weekly GROUP BY bucket, project_id, name, key, value, rating;
