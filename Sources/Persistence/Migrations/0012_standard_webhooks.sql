-- Standard Webhooks (standardwebhooks.com) as a way to verify a sender.
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_verification_check;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_verification_check
  CHECK (verification IN ('clearline_signature', 'zoho_signature', 'shared_secret', 'paytrace_silent_post', 'standard_webhooks'));
