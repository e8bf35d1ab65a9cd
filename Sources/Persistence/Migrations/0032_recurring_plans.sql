-- Recurring billing (issue 17): a customer's card on file charged an amount every N days, weeks
-- or months from a start day (midnight in the plan's time zone), until an optional end day. Each
-- period becomes a payment request (charged exactly once like any other); a declined period is
-- charged again on the plan's retry days after its first attempt, and after the last it is
-- reported (event and alert) and the plan is past due. Pause, resume and cancel are states.
CREATE TABLE recurring_plans (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  environment         text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  connection_id       uuid NOT NULL REFERENCES connections (id),
  customer_id         text NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 50),
  amount              numeric(18, 2) NOT NULL CHECK (amount > 0),
  currency            text NOT NULL CHECK (currency = 'USD'),
  description         text CHECK (length(description) <= 255),
  external_reference  text CHECK (length(external_reference) <= 100),
  interval_unit       text NOT NULL CHECK (interval_unit IN ('day', 'week', 'month')),
  interval_count      integer NOT NULL CHECK (interval_count BETWEEN 1 AND 366),
  starts_on           date NOT NULL,
  ends_on             date CHECK (ends_on >= starts_on),
  time_zone           text NOT NULL,
  retry_days          integer[] NOT NULL,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'past_due', 'paused', 'cancelled', 'ended')),
  -- The next period to charge (0: the first), and when; NULL when nothing more is charged.
  next_period         integer NOT NULL DEFAULT 0,
  next_charge_at      timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recurring_plans_due ON recurring_plans (next_charge_at) WHERE status IN ('active', 'past_due');
CREATE INDEX recurring_plans_page ON recurring_plans (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('recurring_plans', 'tenant_id');

ALTER TABLE payment_requests ADD COLUMN plan_id uuid REFERENCES recurring_plans (id), ADD COLUMN plan_period integer;
CREATE UNIQUE INDEX payment_requests_plan_attempt ON payment_requests (plan_id, plan_period, collection_attempt) WHERE plan_id IS NOT NULL;
