-- Charges flows write (issue 17): a flow step whose target is paytrace.sale or
-- paytrace.authorization becomes a payment request named by the step's key, once per key.
ALTER TABLE payment_requests ADD COLUMN flow_key text CHECK (length(flow_key) BETWEEN 1 AND 500);
CREATE UNIQUE INDEX payment_requests_flow_key ON payment_requests (tenant_id, flow_key) WHERE flow_key IS NOT NULL;
