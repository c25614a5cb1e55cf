-- Attribution per hour (issue 12). The daily attribution rollup (0008) waits until no event of
-- a day can still arrive, so every window read up to two and a half days of raw rows (the last
-- day and a half, and its first, partial day), and the phases query extracts four durations
-- from each row's JSON: at 10M events, LCP phases took 389-986 ms. The workers now also roll
-- each complete hour into this table, same shape as `attribution_daily` (top values per
-- project, metric, key and hour; the rest '(other)'), kept 32 days (a day more than the longest
-- preset window) by a retention policy, so a window reads rolled days, then rolled hours, and
-- raw rows only for its partial hours.
--
-- `attribution_hours` records each rolled hour with the number of LCP, INP and CLS events it
-- held then. Beacons arrive late (a page's LCP is sent when the page is hidden, maybe an hour
-- after it was measured), so the workers count each hour of the days not settled yet again on
-- every run and roll an hour again, replacing its rows, when its count has changed.
CREATE TABLE attribution_hourly (LIKE attribution_daily INCLUDING ALL);
SELECT create_hypertable('attribution_hourly', by_range('bucket', INTERVAL '1 day'));

CREATE TABLE attribution_hours (
  bucket    timestamptz PRIMARY KEY,
  events    bigint NOT NULL,
  rolled_at timestamptz NOT NULL DEFAULT now()
);

SELECT add_retention_policy('attribution_hourly', INTERVAL '32 days');
