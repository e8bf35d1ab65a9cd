-- The fraud detectors' thresholds per tenant and environment (issue 18), and people's verdicts:
-- an incident marked "not fraud" quiets its detector for that cause (a customer, or the whole
-- environment for the rate detectors) for a while. An unusual amount marked so needs no rule:
-- the charge stays in the customer's history, so a like amount is usual for them from then on.
CREATE TABLE fraud_settings (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  environment  text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  settings     jsonb NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text,
  PRIMARY KEY (tenant_id, environment)
);
SELECT clearline_guard_tenant_table('fraud_settings', 'tenant_id');

CREATE TABLE fraud_verdicts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  environment  text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  -- The alert's subject: detector:cause.
  subject      text NOT NULL,
  alert_id     uuid REFERENCES alerts (id) ON DELETE SET NULL,
  quiet_until  timestamptz NOT NULL,
  decided_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fraud_verdicts_subject ON fraud_verdicts (tenant_id, environment, subject, quiet_until);
SELECT clearline_guard_tenant_table('fraud_verdicts', 'tenant_id');

-- How an acknowledged alert was closed: a plain acknowledgement, or judged not fraud.
ALTER TABLE alerts ADD COLUMN resolution text CHECK (resolution IN ('not_fraud'));
