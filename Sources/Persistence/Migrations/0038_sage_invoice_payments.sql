-- A payment request may pay a Sage Pro invoice (issue 17): its agent connection and INVNO are
-- the invoice link, and Pro's cash receipt needs the customer number (CUSTNO) too.
ALTER TABLE payment_requests ADD COLUMN invoice_customer text CHECK (length(invoice_customer) BETWEEN 1 AND 10);
