-- Card requests (issue 17): a link a customer opens to put a card on file in PayTrace's vault
-- through PayTrace's hosted fields, so Clearline never sees the number. The profile is created
-- or updated from the customer's Zoho Books contact (name, address, e-mail, phone) when the card
-- is given. Only a hash of the link's secret is kept; a link is used once and expires.
CREATE TABLE card_requests (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id              uuid NOT NULL REFERENCES tenants (id),
  environment            text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  connection_id          uuid NOT NULL REFERENCES connections (id),
  customer_id            text NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 50),
  contact_connection_id  uuid NOT NULL REFERENCES connections (id),
  contact_id             text NOT NULL CHECK (length(contact_id) BETWEEN 1 AND 50),
  secret_hash            text NOT NULL,
  status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'cancelled')),
  -- created or updated: what PayTrace did with the profile.
  outcome                text CHECK (outcome IN ('created', 'updated')),
  masked_card_number     text CHECK (masked_card_number ~ '^[x0-9]{4,19}$'),
  expires_at             timestamptz NOT NULL,
  completed_at           timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_requests_page ON card_requests (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('card_requests', 'tenant_id');
