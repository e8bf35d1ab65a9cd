-- Settled PayTrace batches, kept once per (connection, batch number) with one line per settled
-- transaction and its expected fee: what reconciliation proves Zoho Books and Sage Pro against.
-- Totals are stored beside the lines (they derive from them) so lists need not sum lines.
CREATE TABLE settlements (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  environment     text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  connection_id   uuid NOT NULL REFERENCES connections (id),
  batch_number    integer NOT NULL CHECK (batch_number > 0),
  settled_at      text NOT NULL,
  settled_on      date NOT NULL,
  currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  sales_count     integer NOT NULL,
  sales_amount    numeric(18, 2) NOT NULL,
  refund_count    integer NOT NULL,
  refund_amount   numeric(18, 2) NOT NULL,
  net_amount      numeric(18, 2) NOT NULL,
  fees            numeric(18, 2) NOT NULL,
  deposit         numeric(18, 2) NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, environment, connection_id, batch_number),
  CHECK (net_amount = sales_amount - refund_amount AND net_amount = deposit + fees)
);
CREATE INDEX settlements_page ON settlements (tenant_id, environment, created_at, id);
CREATE INDEX settlements_by_day ON settlements (tenant_id, environment, settled_on);
SELECT clearline_guard_tenant_table('settlements', 'tenant_id');

CREATE TABLE settlement_lines (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  settlement_id       uuid NOT NULL REFERENCES settlements (id),
  transaction_id      bigint NOT NULL,
  transaction_type    text NOT NULL CHECK (transaction_type IN ('SALE', 'REFUND')),
  amount              numeric(18, 2) NOT NULL CHECK (amount >= 0),
  card_brand          text NOT NULL,
  masked_card_number  text NOT NULL,
  invoice_id          text,
  customer_id         text,
  expected_fee        numeric(18, 2) NOT NULL CHECK (expected_fee >= 0),
  PRIMARY KEY (settlement_id, transaction_id)
);
CREATE INDEX settlement_lines_transaction ON settlement_lines (tenant_id, transaction_id);
SELECT clearline_guard_tenant_table('settlement_lines', 'tenant_id');

-- A PayTrace connection's fee schedule (FeeSchedule's JSON): PayTrace reports no fees.
CREATE TABLE fee_schedules (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  connection_id  uuid NOT NULL REFERENCES connections (id),
  schedule       jsonb NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connection_id)
);
SELECT clearline_guard_tenant_table('fee_schedules', 'tenant_id');
