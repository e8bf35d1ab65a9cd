-- PayTrace has no webhooks: a poll job per connection reads its exports. One poll job per
-- connection at a time, and where each connection's last poll got to.
CREATE UNIQUE INDEX jobs_one_poll_per_connection ON jobs ((payload->>'connection_id')) WHERE kind = 'paytrace.poll';

CREATE TABLE poll_cursors (
  connection_id      uuid PRIMARY KEY REFERENCES connections (id),
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  -- The end of the last window read; the next poll starts an overlap before it.
  polled_until       timestamptz NOT NULL,
  last_batch_number  integer NOT NULL DEFAULT 0,
  last_polled_at     timestamptz NOT NULL DEFAULT now(),
  transactions_seen  bigint NOT NULL DEFAULT 0
);
SELECT clearline_guard_tenant_table('poll_cursors', 'tenant_id');
