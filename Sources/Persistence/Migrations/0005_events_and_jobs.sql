-- Event intake and the job queue. An event is stored once per (tenant, environment, source,
-- vendor event id); its jobs wait in `jobs` (the hot table: only what is queued or running)
-- and move to `job_history` when they complete or die, so claiming stays fast after millions.

CREATE TABLE webhook_endpoints (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  environment    text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  name           text NOT NULL,
  source         text NOT NULL,
  verification   text NOT NULL CHECK (verification IN ('clearline_signature', 'zoho_signature', 'shared_secret', 'paytrace_silent_post')),
  -- shared_secret: the header the sender puts the secret in.
  secret_header  text,
  -- paytrace_silent_post: the PayTrace connection a post is confirmed through.
  connection_id  uuid REFERENCES connections (id),
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  disabled_at    timestamptz
);
CREATE INDEX webhook_endpoints_page ON webhook_endpoints (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('webhook_endpoints', 'tenant_id');

-- Sealed in the vault, bound to the endpoint. After a rotation the previous secret stays
-- valid until expires_at, so senders can switch without losing deliveries.
CREATE TABLE webhook_endpoint_secrets (
  endpoint_id  uuid NOT NULL REFERENCES webhook_endpoints (id),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  version      integer NOT NULL,
  ciphertext   text NOT NULL,
  hint         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  PRIMARY KEY (endpoint_id, version)
);
SELECT clearline_guard_tenant_table('webhook_endpoint_secrets', 'tenant_id');

-- A delivery names only the endpoint: this finds its tenant, seeing every tenant for the look-up only.
CREATE FUNCTION clearline_locate_webhook_endpoint(target uuid)
RETURNS TABLE (tenant_id uuid, environment text, status text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  previous text := clearline_enter_platform_scope();
BEGIN
  RETURN QUERY
    SELECT e.tenant_id, e.environment, e.status FROM webhook_endpoints e JOIN tenants t ON t.id = e.tenant_id
    WHERE e.id = target AND t.deleted_at IS NULL;
  PERFORM clearline_leave_platform_scope(previous);
END $$;

CREATE TABLE events (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  environment      text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  source           text NOT NULL,
  vendor_event_id  text NOT NULL,
  type             text NOT NULL DEFAULT '',
  endpoint_id      uuid REFERENCES webhook_endpoints (id),
  -- Card numbers are masked before this is written.
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'dead')),
  received_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, environment, source, vendor_event_id)
);
CREATE INDEX events_page ON events (tenant_id, environment, received_at DESC, id DESC);
SELECT clearline_guard_tenant_table('events', 'tenant_id');

CREATE TABLE jobs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- A replay is a new job of the same run.
  run_id        uuid NOT NULL DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  environment   text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  event_id      uuid REFERENCES events (id),
  kind          text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}',
  -- Jobs with one key run one at a time, in id order.
  ordering_key  text,
  state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running')),
  attempt       integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
  run_at        timestamptz NOT NULL DEFAULT now(),
  lease_until   timestamptz,
  worker        text,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready ON jobs (tenant_id, run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_ordering ON jobs (tenant_id, ordering_key, id) WHERE ordering_key IS NOT NULL;
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';
CREATE INDEX jobs_event ON jobs (event_id) WHERE event_id IS NOT NULL;
SELECT clearline_guard_tenant_table('jobs', 'tenant_id');

CREATE TABLE job_history (
  id            bigint PRIMARY KEY,
  run_id        uuid NOT NULL,
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  environment   text NOT NULL,
  event_id      uuid REFERENCES events (id),
  kind          text NOT NULL,
  payload       jsonb NOT NULL,
  ordering_key  text,
  state         text NOT NULL CHECK (state IN ('completed', 'dead')),
  attempts      integer NOT NULL,
  last_error    text,
  created_at    timestamptz NOT NULL,
  finished_at   timestamptz NOT NULL DEFAULT now(),
  replayed_by   bigint
);
CREATE INDEX job_history_event ON job_history (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX job_history_dead ON job_history (tenant_id, environment, finished_at DESC, id DESC) WHERE state = 'dead';
CREATE INDEX job_history_retention ON job_history (finished_at);
SELECT clearline_guard_tenant_table('job_history', 'tenant_id');

CREATE TABLE job_attempts (
  job_id       bigint NOT NULL,
  attempt      integer NOT NULL,
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  worker       text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  outcome      text CHECK (outcome IN ('succeeded', 'failed', 'lost')),
  error        text,
  -- What was asked of a vendor and what it answered, with secrets and card data removed.
  summary      jsonb,
  PRIMARY KEY (job_id, attempt)
);
SELECT clearline_guard_tenant_table('job_attempts', 'tenant_id');

CREATE TABLE alerts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  environment      text NOT NULL,
  kind             text NOT NULL,
  job_id           bigint,
  message          text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  acknowledged_at  timestamptz
);
CREATE INDEX alerts_open ON alerts (tenant_id, created_at DESC) WHERE acknowledged_at IS NULL;
SELECT clearline_guard_tenant_table('alerts', 'tenant_id');

-- The effect of the diagnostic job kind `probe` (tests and bench/queue): a row per completed
-- run, written in the completing transaction. No unique key, so a second run would show.
CREATE TABLE probe_effects (
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  job_id      bigint NOT NULL,
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  worker      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX probe_effects_job ON probe_effects (job_id);
SELECT clearline_guard_tenant_table('probe_effects', 'tenant_id');
