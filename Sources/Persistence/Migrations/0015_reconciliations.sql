-- Checks of a settlement against Zoho Books and Sage Pro, each with its findings, one per
-- settled line and ledger (matched or not) plus the ledger records no line explains.
CREATE TABLE reconciliations (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  environment    text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  settlement_id  uuid NOT NULL REFERENCES settlements (id),
  status         text NOT NULL CHECK (status IN ('running', 'balanced', 'drift', 'failed')),
  systems        text[] NOT NULL DEFAULT '{}',
  matched        integer NOT NULL DEFAULT 0,
  differences    integer NOT NULL DEFAULT 0,
  detail         text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE INDEX reconciliations_page ON reconciliations (tenant_id, environment, created_at, id);
CREATE INDEX reconciliations_of_settlement ON reconciliations (tenant_id, settlement_id, created_at);
SELECT clearline_guard_tenant_table('reconciliations', 'tenant_id');

CREATE TABLE reconciliation_findings (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  reconciliation_id  uuid NOT NULL REFERENCES reconciliations (id),
  position           integer NOT NULL,
  system             text NOT NULL,
  category           text NOT NULL CHECK (category IN ('matched', 'missing', 'amount_differs', 'reversal_not_reflected',
                       'settled_in_another_batch', 'unexplained')),
  transaction_id     bigint,
  paytrace_amount    numeric(18, 2),
  ledger_id          text,
  ledger_amount      numeric(18, 2),
  note               text NOT NULL DEFAULT '',
  PRIMARY KEY (reconciliation_id, position)
);
SELECT clearline_guard_tenant_table('reconciliation_findings', 'tenant_id');
