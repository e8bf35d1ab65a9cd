-- A card's BIN (its first six digits, which PayTrace's export gives with include_bin) on each
-- observation, so that a card-testing burst spread over many customers but one card range is
-- seen as one (issue 18).
ALTER TABLE payment_observations ADD COLUMN bin text CHECK (bin ~ '^[0-9]{6}$');
CREATE INDEX payment_observations_bin ON payment_observations (tenant_id, environment, bin, observed_at) WHERE bin IS NOT NULL;
