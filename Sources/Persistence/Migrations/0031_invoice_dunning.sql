-- Dunning of collected invoices (issue 17): each payment request a collection makes for an
-- invoice records which attempt it is and when the collection ran (its slot, or the time a test
-- drives). A declined invoice is tried again the tenant's retry days after its first attempt
-- (1, 3 and 7 by default), and after the last one it is marked and reported, not charged again.
ALTER TABLE payment_requests ADD COLUMN collection_attempt integer CHECK (collection_attempt >= 1), ADD COLUMN collected_at timestamptz;
CREATE INDEX payment_requests_invoice ON payment_requests (tenant_id, environment, invoice_connection_id, invoice_id) WHERE invoice_id IS NOT NULL;
