-- What was journaled for a settlement in each ledger, once per kind (deposit, fees, fee true-up):
-- the record a retry finds instead of posting twice. target_id is NULL when there was nothing
-- to move (a zero amount), which still counts as posted.
CREATE TABLE settlement_postings (
  settlement_id  uuid NOT NULL REFERENCES settlements (id),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  system         text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('deposit', 'fees', 'fee_true_up')),
  amount         numeric(18, 2) NOT NULL,
  target_id      text,
  posted_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (settlement_id, system, kind)
);
SELECT clearline_guard_tenant_table('settlement_postings', 'tenant_id');
