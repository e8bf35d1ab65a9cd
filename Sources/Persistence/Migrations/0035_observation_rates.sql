-- The rate detectors (issue 18) count an environment's declines and refunds over recent minutes
-- against the weeks before: by environment and time, whoever the customer.
CREATE INDEX payment_observations_time ON payment_observations (tenant_id, environment, observed_at);
