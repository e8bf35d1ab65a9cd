-- Payment requests may authorize only (capture false): the card is held, and a later capture
-- (POST .../capture, a payment.capture job) takes the money. PayTrace refuses a second capture of
-- one authorization (816), so a capture whose answer was lost is retried and then read back.
ALTER TABLE payment_requests ADD COLUMN capture boolean NOT NULL DEFAULT true, ADD COLUMN captured_at timestamptz;
ALTER TABLE payment_requests DROP CONSTRAINT payment_requests_status_check;
ALTER TABLE payment_requests ADD CONSTRAINT payment_requests_status_check
  CHECK (status IN ('pending', 'charging', 'authorized', 'capturing', 'approved', 'declined', 'failed'));
