-- OAuth authorization-code flows in progress ("Connect Zoho"). The state sent to the vendor is
-- random; only its SHA-256 is kept. It is good once, for ten minutes.
CREATE TABLE oauth_states (
  state_hash     text PRIMARY KEY,
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  environment    text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  connection_id  uuid NOT NULL REFERENCES connections (id),
  redirect_uri   text NOT NULL,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz
);
SELECT clearline_guard_tenant_table('oauth_states', 'tenant_id');

-- The vendor's redirect carries no credentials, only the state: this takes a live state once,
-- seeing every tenant for the look-up only, and puts the caller's scope back.
CREATE FUNCTION clearline_take_oauth_state(hash text)
RETURNS TABLE (tenant_id uuid, environment text, connection_id uuid, redirect_uri text, created_by text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  previous text := clearline_enter_platform_scope();
BEGIN
  RETURN QUERY
    UPDATE oauth_states SET used_at = now()
    WHERE state_hash = hash AND used_at IS NULL AND expires_at > now()
    RETURNING oauth_states.tenant_id, oauth_states.environment, oauth_states.connection_id,
              oauth_states.redirect_uri, oauth_states.created_by;
  PERFORM clearline_leave_platform_scope(previous);
END $$;
