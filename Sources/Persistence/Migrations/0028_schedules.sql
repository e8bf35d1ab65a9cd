-- Schedules (issue 17): a cron expression in a time zone whose every slot records one event
-- (`event_type`, source `schedule`) that deployed flows take like any other. The queue's
-- housekeeping fires the due ones; the row lock and next_run_at make each slot fire once across
-- processes, and a slot missed while no process ran fires once when one is back.
CREATE TABLE schedules (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  environment    text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  event_type     text NOT NULL CHECK (event_type ~ '^schedule\.[a-z0-9_.-]{1,60}$'),
  cron           text NOT NULL CHECK (length(cron) BETWEEN 1 AND 200),
  time_zone      text NOT NULL,
  enabled        boolean NOT NULL DEFAULT true,
  next_run_at    timestamptz,
  last_slot      timestamptz,
  last_fired_at  timestamptz,
  fired          integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, environment, name)
);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE enabled;
CREATE INDEX schedules_page ON schedules (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('schedules', 'tenant_id');
