-- A shop: where fulfilment news goes back to, by a signed outbound webhook.
ALTER TABLE connections DROP CONSTRAINT connections_kind_check;
ALTER TABLE connections ADD CONSTRAINT connections_kind_check CHECK (kind IN ('paytrace', 'zoho', 'sage_pro', 'shop'));
