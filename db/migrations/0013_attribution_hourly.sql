-- Attribution per hour, for the day and a half before a day settles (issue 12). The daily
-- attribution rollup (0008) waits until no event of a day can still arrive, so every window
-- reached into up to two and a half days of raw rows, and the phases query extracts four
-- durations from each row's JSON: at 10M events, 389-986 ms for LCP phases. The workers now
-- also roll each complete hour of those days into this table, same shape as
-- `attribution_daily` (top values per project, metric, key and hour; the rest '(other)').
--
-- `attribution_hours` records each rolled hour with the number of LCP, INP and CLS events it
-- held then. Beacons arrive late (a page's LCP is sent when the page is hidden, maybe an hour
-- after it was measured), so the workers count each unsettled hour's events again on every run
-- and roll an hour again, replacing its rows, when the count has changed. Once its day is rolled
-- into `attribution_daily`, an hour's rows are deleted in the same transaction.
CREATE TABLE attribution_hourly (LIKE attribution_daily INCLUDING ALL);

CREATE TABLE attribution_hours (
  bucket    timestamptz PRIMARY KEY,
  events    bigint NOT NULL,
  rolled_at timestamptz NOT NULL DEFAULT now()
);
