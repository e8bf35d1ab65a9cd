-- Payment requests: charges Clearline makes into PayTrace for another system (issue 17). PayTrace
-- has no idempotency key, so each request carries a reference of its own, written into the
-- charge's invoice_id, and its attempts are recorded before each call: after an answer that
-- never came, PayTrace is searched for the reference before anything is charged again.
CREATE TABLE payment_requests (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  environment         text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  connection_id       uuid NOT NULL REFERENCES connections (id),
  customer_id         text NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 50),
  amount              numeric(18, 2) NOT NULL CHECK (amount > 0),
  currency            text NOT NULL CHECK (currency = 'USD'),
  description         text CHECK (length(description) <= 255),
  external_reference  text CHECK (length(external_reference) <= 100),
  reference           text NOT NULL CHECK (length(reference) BETWEEN 1 AND 40),
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'charging', 'approved', 'declined', 'failed')),
  attempts            integer NOT NULL DEFAULT 0,
  -- While set and in the future, an attempt may still be under way at PayTrace: no other
  -- attempt and no search until it has settled.
  attempt_settles_at  timestamptz,
  transaction_id      bigint,
  approval_code       text,
  response_code       integer,
  status_message      text,
  last_error          text,
  job_id              bigint,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  decided_at          timestamptz,
  UNIQUE (tenant_id, reference)
);
CREATE INDEX payment_requests_page ON payment_requests (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('payment_requests', 'tenant_id');
