-- The daily reconciliation of a PayTrace connection (settings reconcile_at and time_zone): the
-- local day it last ran, so that one process of many runs it once a day.
CREATE TABLE reconciliation_schedules (
  connection_id  uuid PRIMARY KEY REFERENCES connections (id),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  last_run_on    date NOT NULL,
  ran_at         timestamptz NOT NULL DEFAULT now()
);
SELECT clearline_guard_tenant_table('reconciliation_schedules', 'tenant_id');
