-- Commands for on-premises Sage Pro agents. An agent dials out and long-polls for batches of
-- these; a command is handed out under a lease and handed out again (same id) if its result
-- does not arrive in time, so the agent must apply each command id at most once.
CREATE TABLE agent_commands (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  environment    text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  connection_id  uuid NOT NULL REFERENCES connections (id),
  type           text NOT NULL,
  -- The caller's key for the effect (a PayTrace transaction id, say): the same key never makes
  -- a second command, so a retried job cannot post twice.
  external_id    text NOT NULL,
  payload        jsonb NOT NULL,
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'delivered', 'succeeded', 'failed')),
  batch_id       uuid,
  deliveries     integer NOT NULL DEFAULT 0,
  lease_until    timestamptz,
  result         jsonb,
  error_code     text,
  error_message  text,
  retryable      boolean,
  created_at     timestamptz NOT NULL DEFAULT now(),
  delivered_at   timestamptz,
  completed_at   timestamptz,
  UNIQUE (connection_id, external_id)
);
CREATE INDEX agent_commands_pending ON agent_commands (connection_id, created_at) WHERE status IN ('queued', 'delivered');
SELECT clearline_guard_tenant_table('agent_commands', 'tenant_id');

-- What the platform knows of each connection's agent: when it last polled with the right token,
-- what it said it is, and when something last polled with a wrong one.
CREATE TABLE agent_presence (
  connection_id     uuid PRIMARY KEY REFERENCES connections (id),
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  last_seen_at      timestamptz,
  agent_version     text,
  agent_host        text,
  last_rejected_at  timestamptz
);
SELECT clearline_guard_tenant_table('agent_presence', 'tenant_id');

-- An agent's request names its connection and nothing else: this finds the tenant of a live
-- Sage Pro connection, seeing every tenant for the look-up only.
CREATE FUNCTION clearline_locate_agent_connection(target uuid)
RETURNS TABLE (tenant_id uuid, environment text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  previous text := clearline_enter_platform_scope();
BEGIN
  RETURN QUERY
    SELECT c.tenant_id, c.environment FROM connections c JOIN tenants t ON t.id = c.tenant_id
    WHERE c.id = target AND c.kind = 'sage_pro' AND c.deleted_at IS NULL AND t.deleted_at IS NULL;
  PERFORM clearline_leave_platform_scope(previous);
END $$;
