-- Chargebacks: PayTrace has no chargeback API, so a dispute is entered (API, pages, CSV) and
-- becomes an event that the deployed chargeback flow turns into a reversal. One per case.
CREATE TABLE disputes (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  environment     text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  case_number     text NOT NULL CHECK (length(case_number) BETWEEN 1 AND 40),
  transaction_id  text,
  customer_id     text NOT NULL,
  amount          numeric(18, 4) NOT NULL CHECK (amount > 0),
  fee             numeric(18, 4) NOT NULL DEFAULT 0 CHECK (fee >= 0),
  currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason          text NOT NULL,
  received_at     timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
  entered_via     text NOT NULL CHECK (entered_via IN ('api', 'csv')),
  event_id        uuid NOT NULL REFERENCES events (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, environment, case_number)
);
CREATE INDEX disputes_page ON disputes (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('disputes', 'tenant_id');

-- Alerts (0005) gain a subject, what each is about (a job, a dispute, a connection), so a storm
-- of failures raises one unacknowledged alert per subject, and who acknowledged it.
-- (A volatile default gives each existing row a subject of its own; row security would hide
-- the rows from an UPDATE here.)
ALTER TABLE alerts ADD COLUMN subject text NOT NULL DEFAULT ('alert:' || gen_random_uuid()), ADD COLUMN acknowledged_by text;
ALTER TABLE alerts ALTER COLUMN subject DROP DEFAULT;
CREATE UNIQUE INDEX alerts_open_once ON alerts (tenant_id, environment, kind, subject) WHERE acknowledged_at IS NULL;
CREATE INDEX alerts_page ON alerts (tenant_id, environment, created_at, id);

-- Consecutive authentication failures per connection. Open (opened_at set) after a threshold:
-- steps through the connection stop calling the vendor until its credentials change.
CREATE TABLE circuit_breakers (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  connection_id  uuid NOT NULL REFERENCES connections (id),
  failures       integer NOT NULL DEFAULT 0,
  opened_at      timestamptz,
  last_error     text,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connection_id)
);
SELECT clearline_guard_tenant_table('circuit_breakers', 'tenant_id');
