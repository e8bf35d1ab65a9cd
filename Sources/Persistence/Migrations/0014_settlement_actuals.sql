-- A settlement's actual figures, from the processor's statement or the bank's deposit file:
-- they replace the fee schedule's estimate, and the difference is the fee true-up.
CREATE TABLE settlement_actuals (
  settlement_id   uuid PRIMARY KEY REFERENCES settlements (id),
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  statement_date  date NOT NULL,
  gross           numeric(18, 2) NOT NULL,
  fees            numeric(18, 2) NOT NULL CHECK (fees >= 0),
  net             numeric(18, 2) NOT NULL,
  imported_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (gross = net + fees)
);
SELECT clearline_guard_tenant_table('settlement_actuals', 'tenant_id');
