-- Due invoices collected (issue 17): a payment request may pay one Zoho Books invoice, named by
-- the Zoho connection and the invoice's id. Once the charge is approved, its payment is posted on
-- that invoice (invoice_payment_id, once). An invoice has at most one request that is not over:
-- a scan that finds it again, or a second scan running at the same slot, adds nothing.
ALTER TABLE payment_requests
  ADD COLUMN invoice_connection_id uuid REFERENCES connections (id),
  ADD COLUMN invoice_id text CHECK (length(invoice_id) BETWEEN 1 AND 40),
  ADD COLUMN invoice_payment_id text,
  ADD COLUMN invoice_posted_at timestamptz,
  ADD CONSTRAINT payment_requests_invoice_whole CHECK ((invoice_connection_id IS NULL) = (invoice_id IS NULL));
CREATE UNIQUE INDEX payment_requests_live_invoice ON payment_requests (tenant_id, environment, invoice_connection_id, invoice_id)
  WHERE invoice_id IS NOT NULL AND status NOT IN ('declined', 'failed');

-- What a schedule does at each slot besides recording its event: nothing (NULL), or
-- {"kind": "collect_due_invoices", "zoho_connection_id", "paytrace_connection_id"}: the Zoho Books
-- invoices due by the slot's day become payment requests of their customers' PayTrace vault profiles.
ALTER TABLE schedules ADD COLUMN action jsonb;
