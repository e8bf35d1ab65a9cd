-- Alerts that reach people (issue 18): a tenant's routes send alerts, by kind, environment and
-- severity, to a webhook (signed as Standard Webhooks, with a chat-compatible "text") or to
-- e-mail addresses through the platform's SMTP relay.
--
-- An alert's severity follows from its kind, here and only here, so every way an alert is
-- written (AlertStore.raise, a job dying in JobQueue.kill) gets one.
CREATE FUNCTION clearline_alert_severity(kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE kind
    WHEN 'fraud' THEN 'critical'
    WHEN 'reconciliation_drift' THEN 'critical'
    WHEN 'job_dead' THEN 'critical'
    WHEN 'chargeback' THEN 'warning'
    WHEN 'circuit_open' THEN 'warning'
    WHEN 'payment_request' THEN 'warning'
    WHEN 'invoice_collection' THEN 'warning'
    WHEN 'recurring_plan' THEN 'warning'
    ELSE 'info' END
$$;
CREATE FUNCTION clearline_severity_rank(severity text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END
$$;

ALTER TABLE alerts ADD COLUMN severity text NOT NULL DEFAULT 'info' CHECK (severity IN ('info', 'warning', 'critical'));
UPDATE alerts SET severity = clearline_alert_severity(kind);

CREATE TABLE alert_routes (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  channel         text NOT NULL CHECK (channel IN ('webhook', 'email')),
  -- The webhook's address, or the e-mail recipients.
  url             text CHECK (length(url) <= 2048),
  recipients      text[] NOT NULL DEFAULT '{}',
  -- The webhook's Standard Webhooks secret (whsec_...), sealed by the vault.
  signing_secret  text,
  min_severity    text NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('info', 'warning', 'critical')),
  -- Empty: every kind, every environment.
  kinds           text[] NOT NULL DEFAULT '{}',
  environments    text[] NOT NULL DEFAULT '{}',
  -- How long a first alert waits for others to join it in one message (a digest).
  gather_seconds  integer NOT NULL DEFAULT 30 CHECK (gather_seconds BETWEEN 0 AND 3600),
  enabled         boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((channel = 'webhook') = (url IS NOT NULL)),
  CHECK (channel = 'webhook' OR cardinality(recipients) BETWEEN 1 AND 20)
);
CREATE INDEX alert_routes_page ON alert_routes (tenant_id, created_at, id);
SELECT clearline_guard_tenant_table('alert_routes', 'tenant_id');

-- One message sent (or being sent) on a route: its alerts are fixed when it is made, so a retry
-- sends the same message with the same id, which a receiver can drop if it saw it already.
CREATE TABLE alert_notifications (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  route_id     uuid NOT NULL REFERENCES alert_routes (id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'sent', 'failed')),
  test         boolean NOT NULL DEFAULT false,
  alert_count  integer NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz
);
CREATE INDEX alert_notifications_page ON alert_notifications (tenant_id, route_id, created_at, id);
CREATE UNIQUE INDEX alert_notifications_open ON alert_notifications (route_id) WHERE status = 'sending' AND NOT test;
SELECT clearline_guard_tenant_table('alert_notifications', 'tenant_id');

-- An alert a route owes someone: waiting (no notification yet) or carried by one.
CREATE TABLE alert_deliveries (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  route_id         uuid NOT NULL REFERENCES alert_routes (id) ON DELETE CASCADE,
  alert_id         uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  notification_id  uuid REFERENCES alert_notifications (id) ON DELETE CASCADE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (route_id, alert_id)
);
CREATE INDEX alert_deliveries_waiting ON alert_deliveries (route_id, created_at) WHERE notification_id IS NULL;
CREATE INDEX alert_deliveries_notification ON alert_deliveries (notification_id);
SELECT clearline_guard_tenant_table('alert_deliveries', 'tenant_id');

-- Every alert, however written, gets its severity and is owed to each route that wants it; a
-- route with alerts owed and no notify job queued gets one, due after its gathering time. The
-- route's advisory lock orders this against a notify job's completion, which looks for alerts
-- owed after its own (so an alert raised while a message is being sent is never stranded).
CREATE FUNCTION clearline_alert_set_severity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.severity := clearline_alert_severity(NEW.kind);
  RETURN NEW;
END
$$;
CREATE TRIGGER alerts_severity BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION clearline_alert_set_severity();

CREATE FUNCTION clearline_owe_alert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  route record;
BEGIN
  FOR route IN
    SELECT id, gather_seconds FROM alert_routes
    WHERE tenant_id = NEW.tenant_id AND enabled
      AND (cardinality(kinds) = 0 OR NEW.kind = ANY (kinds))
      AND (cardinality(environments) = 0 OR NEW.environment = ANY (environments))
      AND clearline_severity_rank(NEW.severity) >= clearline_severity_rank(min_severity)
  LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('alert-route:' || route.id::text, 0));
    INSERT INTO alert_deliveries (tenant_id, route_id, alert_id) VALUES (NEW.tenant_id, route.id, NEW.id) ON CONFLICT DO NOTHING;
    IF NOT EXISTS (
      SELECT 1 FROM jobs WHERE tenant_id = NEW.tenant_id AND kind = 'alerts.notify' AND ordering_key = 'alert-route:' || route.id::text
    ) THEN
      INSERT INTO jobs (tenant_id, environment, kind, payload, ordering_key, run_at)
      VALUES (NEW.tenant_id, NEW.environment, 'alerts.notify', jsonb_build_object('route_id', route.id),
              'alert-route:' || route.id::text, now() + make_interval(secs => route.gather_seconds));
      PERFORM pg_notify('clearline_jobs', '');
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER alerts_owed AFTER INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION clearline_owe_alert();
