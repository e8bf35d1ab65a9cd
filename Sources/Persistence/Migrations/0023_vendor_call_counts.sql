-- Vendor calls per connection and minute, written by every process's flusher (counts add up),
-- for the dashboard's calls-against-the-limit chart and error rate; and each connection's last
-- success and failure, so its status can say more than "connected".
CREATE TABLE vendor_call_minutes (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  connection_id  uuid NOT NULL REFERENCES connections (id),
  minute         timestamptz NOT NULL,
  calls          integer NOT NULL CHECK (calls >= 0),
  failures       integer NOT NULL CHECK (failures >= 0 AND failures <= calls),
  PRIMARY KEY (tenant_id, connection_id, minute)
);
CREATE INDEX vendor_call_minutes_retention ON vendor_call_minutes (minute);
SELECT clearline_guard_tenant_table('vendor_call_minutes', 'tenant_id');

CREATE TABLE connection_call_status (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  connection_id    uuid NOT NULL REFERENCES connections (id),
  last_success_at  timestamptz,
  last_failure_at  timestamptz,
  last_error       text,
  PRIMARY KEY (tenant_id, connection_id)
);
SELECT clearline_guard_tenant_table('connection_call_status', 'tenant_id');
