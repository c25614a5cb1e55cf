-- Attribution per week (issue 12). A 30-day window summed up to 29 days of `attribution_daily`
-- rows per value and bin: at 10M events LCP by element took 78 ms and LCP by URL 100 ms, the
-- rows being the cost. The workers sum each settled week (time_bucket's: Monday 00:00 UTC) of
-- rolled days into this table, same shape; the top values of a day stay as they were ranked
-- that day (a week's rows are exactly the sum of its days' rows), so an answer read from weeks
-- is the answer read from their days. `attribution_weeks` records the weeks rolled; rolling a
-- day of a week again (back-filled events) drops the week, which is then rolled again.
CREATE TABLE attribution_weekly (LIKE attribution_daily INCLUDING ALL);

CREATE TABLE attribution_weeks (
  bucket    timestamptz PRIMARY KEY,
  rolled_at timestamptz NOT NULL DEFAULT now()
);
