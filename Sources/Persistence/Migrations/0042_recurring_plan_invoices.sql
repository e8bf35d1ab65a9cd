-- A recurring plan may make each period's invoice before charging it (issue 17): in Zoho Books
-- for a contact, or in Sage Pro for a CUSTNO through the agent. The period's job
-- (`recurring.invoice`) makes the invoice once, then the period's payment request names it, so
-- the approved charge is posted as the payment on it like any request's; a retried period's
-- requests name the same invoice.
ALTER TABLE recurring_plans
  ADD COLUMN invoice_connection_id uuid REFERENCES connections (id),
  ADD COLUMN invoice_customer text CHECK (length(invoice_customer) BETWEEN 1 AND 50),
  ADD CONSTRAINT recurring_plans_invoice_whole CHECK ((invoice_connection_id IS NULL) = (invoice_customer IS NULL));
