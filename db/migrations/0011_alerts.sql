-- Alert rules and their state changes (issue 14). Rules are created by `rum alert create`
-- (the query API stays read-only) and evaluated by the workers every minute; a state change
-- is an `alert_events` row, delivered to the rule's webhook until it is acknowledged with a
-- 2xx or an hour has passed. Deleting a rule deletes its events, so nothing of it is delivered.
CREATE TABLE alert_rules (
  id          text PRIMARY KEY,
  project_id  integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  metric      text NOT NULL CHECK (metric IN ('LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID')),
  stat        text NOT NULL CHECK (stat IN ('p75', 'poor-share')),
  threshold   double precision NOT NULL
                CHECK (threshold >= 0 AND (stat <> 'poor-share' OR threshold <= 1)),
  window_name text NOT NULL CHECK (window_name IN ('5m', '15m', '30m', '1h', '6h', '24h')),
  device      text CHECK (device IN ('mobile', 'tablet', 'desktop')),
  route       text CHECK (route LIKE '/%'),
  min_samples integer NOT NULL CHECK (min_samples >= 1),
  webhook_url text NOT NULL CHECK (webhook_url ~ '^https?://'),
  -- The HMAC-SHA256 key of its notifications' signatures, shown once by `rum alert create`.
  secret      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Evaluation state: `streak` counts consecutive evaluations pointing away from `state`
  -- (breaching while ok, good while firing); an evaluation on too few samples resets it.
  state             text NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'firing')),
  state_since       timestamptz NOT NULL DEFAULT now(),
  streak            integer NOT NULL DEFAULT 0,
  last_evaluated_at timestamptz,
  last_value        double precision,
  last_samples      integer
);

CREATE INDEX alert_rules_project_idx ON alert_rules (project_id, created_at);

CREATE TABLE alert_events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rule_id     text NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  project_id  integer NOT NULL,
  state       text NOT NULL CHECK (state IN ('firing', 'resolved')),
  value       double precision NOT NULL,
  threshold   double precision NOT NULL,
  samples     integer NOT NULL,
  window_from timestamptz NOT NULL,
  window_to   timestamptz NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  attempts     integer NOT NULL DEFAULT 0,
  delivered_at timestamptz,
  failed_at    timestamptz,
  last_error   text
);

CREATE INDEX alert_events_project_at_idx ON alert_events (project_id, at DESC);
CREATE INDEX alert_events_rule_idx ON alert_events (rule_id);
CREATE INDEX alert_events_undelivered_idx ON alert_events (at) WHERE delivered_at IS NULL AND failed_at IS NULL;
