-- Fraud and anomaly detection (issue 18): every PayTrace transaction Clearline sees (webhooks and
-- polling), as the detectors read it, per tenant and environment. The detectors look back over
-- a customer's own history and over the last minutes of attempts.
CREATE TABLE payment_observations (
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  environment     text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  transaction_id  bigint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('sale', 'authorization', 'refund', 'other')),
  amount          numeric(18, 2) NOT NULL,
  declined        boolean NOT NULL,
  customer_id     text,
  card            text,
  observed_at     timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, environment, transaction_id, kind)
);
CREATE INDEX payment_observations_customer ON payment_observations (tenant_id, environment, customer_id, observed_at);
SELECT clearline_guard_tenant_table('payment_observations', 'tenant_id');
