-- A message is tried 15 times, not the queue's default 8: with the backoff doubling from 2 s up
-- to an hour, a receiver down for about three hours still gets it (8 tries gave up after a few
-- minutes, shorter than a chat service's outage).
CREATE OR REPLACE FUNCTION clearline_owe_alert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  route record;
BEGIN
  FOR route IN
    SELECT id, gather_seconds FROM alert_routes
    WHERE tenant_id = NEW.tenant_id AND enabled
      AND (cardinality(kinds) = 0 OR NEW.kind = ANY (kinds))
      AND (cardinality(environments) = 0 OR NEW.environment = ANY (environments))
      AND clearline_severity_rank(NEW.severity) >= clearline_severity_rank(min_severity)
    ORDER BY id
  LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('alert-route:' || route.id::text, 0));
    INSERT INTO alert_deliveries (tenant_id, route_id, alert_id) VALUES (NEW.tenant_id, route.id, NEW.id) ON CONFLICT DO NOTHING;
    IF NOT EXISTS (
      SELECT 1 FROM jobs WHERE tenant_id = NEW.tenant_id AND kind = 'alerts.notify' AND ordering_key = 'alert-route:' || route.id::text
    ) THEN
      INSERT INTO jobs (tenant_id, environment, kind, payload, ordering_key, run_at, max_attempts)
      VALUES (NEW.tenant_id, NEW.environment, 'alerts.notify', jsonb_build_object('route_id', route.id),
              'alert-route:' || route.id::text, now() + make_interval(secs => route.gather_seconds), 15);
      PERFORM pg_notify('clearline_jobs', '');
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

