-- Foundation: tenants, environments, credentials, sessions, audit log, idempotency records.
--
-- Row-level security is the second wall behind every query's own tenant_id filter. Each
-- transaction states its scope with set_config(..., true): 'platform' sees every row,
-- 'tenant' sees the rows of clearline.tenant_id only. FORCE makes the policies bind the
-- table owner too (the application role owns these tables; it is not a superuser).

CREATE FUNCTION clearline_visible(row_tenant uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('clearline.scope', true), '') = 'platform'
      OR (row_tenant IS NOT NULL
          AND coalesce(current_setting('clearline.scope', true), '') = 'tenant'
          AND row_tenant = nullif(current_setting('clearline.tenant_id', true), '')::uuid)
$$;

-- The same wall on every tenant table: RLS enabled and forced, one policy on `column`.
CREATE FUNCTION clearline_guard_tenant_table(target regclass, tenant_column text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('CREATE POLICY tenant_scope ON %s USING (clearline_visible(%I)) WITH CHECK (clearline_visible(%I))',
                 target, tenant_column, tenant_column);
END $$;

CREATE TABLE tenants (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  slug        text NOT NULL,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX tenants_live_slug ON tenants (slug) WHERE deleted_at IS NULL;
CREATE INDEX tenants_page ON tenants (created_at, id) WHERE deleted_at IS NULL;
SELECT clearline_guard_tenant_table('tenants', 'id');

CREATE TABLE environments (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  name        text NOT NULL CHECK (name IN ('dev', 'qa', 'prod')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);
SELECT clearline_guard_tenant_table('environments', 'tenant_id');

-- API keys of tenants (tenant_id set) and platform-admin tokens (tenant_id NULL, role 'platform').
-- Only a SHA-256 of the secret part is kept; prefix finds the row.
CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid REFERENCES tenants (id),
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('viewer', 'admin', 'owner', 'platform')),
  prefix        text NOT NULL UNIQUE,
  secret_hash   text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  CHECK ((tenant_id IS NULL) = (role = 'platform'))
);
CREATE INDEX api_keys_page ON api_keys (tenant_id, created_at, id) WHERE revoked_at IS NULL;
SELECT clearline_guard_tenant_table('api_keys', 'tenant_id');

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid REFERENCES tenants (id),
  email          text NOT NULL,
  password_hash  text NOT NULL,
  role           text NOT NULL CHECK (role IN ('viewer', 'admin', 'owner', 'platform')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz,
  CHECK ((tenant_id IS NULL) = (role = 'platform'))
);
CREATE UNIQUE INDEX users_live_email ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_page ON users (tenant_id, created_at, id) WHERE deleted_at IS NULL;
SELECT clearline_guard_tenant_table('users', 'tenant_id');

CREATE TABLE sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash   text NOT NULL UNIQUE,
  user_id      uuid NOT NULL REFERENCES users (id),
  tenant_id    uuid REFERENCES tenants (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
SELECT clearline_guard_tenant_table('sessions', 'tenant_id');

-- Failed and successful logins, for rate limiting by e-mail and by client address.
CREATE TABLE login_attempts (
  id       bigserial PRIMARY KEY,
  email    text NOT NULL,
  client   text NOT NULL,
  success  boolean NOT NULL,
  at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_client ON login_attempts (client, at);

-- Append-only, hash-chained audit log: one chain per tenant, one for the platform (tenant_id NULL).
CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  tenant_id    uuid REFERENCES tenants (id),
  seq          bigint NOT NULL,
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  action       text NOT NULL,
  target_type  text NOT NULL,
  target_id    text NOT NULL,
  request_id   text NOT NULL,
  details      text NOT NULL,
  prev_hash    text NOT NULL,
  hash         text NOT NULL
);
CREATE UNIQUE INDEX audit_log_chain ON audit_log ((coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid)), seq);
SELECT clearline_guard_tenant_table('audit_log', 'tenant_id');

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- For the few functions that must see every tenant while they run (credential and OAuth-state
-- look-ups before anyone's scope is known): enter returns the caller's scope, leave puts it
-- back, so such a function cannot widen an enclosing transaction.
CREATE FUNCTION clearline_enter_platform_scope() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  previous text := coalesce(current_setting('clearline.scope', true), '');
BEGIN
  PERFORM set_config('clearline.scope', 'platform', true);
  RETURN previous;
END $$;

CREATE FUNCTION clearline_leave_platform_scope(previous text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('clearline.scope', previous, true);
END $$;

-- Credential look-ups run before anyone's scope is known: one statement each, outside any
-- transaction, that sees every tenant while it runs and puts the caller's scope back before it
-- returns (so it cannot widen an enclosing transaction either). The key look-up stamps
-- last_used_at at most once a minute.
CREATE FUNCTION clearline_api_key_credential(key_prefix text)
RETURNS TABLE (id uuid, tenant_id uuid, role text, secret_hash text, tenant_status text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  previous text := clearline_enter_platform_scope();
BEGIN
  RETURN QUERY
    WITH k AS (
      SELECT k.id, k.tenant_id, k.role, k.secret_hash, t.status AS tenant_status
      FROM api_keys k LEFT JOIN tenants t ON t.id = k.tenant_id AND t.deleted_at IS NULL
      WHERE k.prefix = key_prefix AND k.revoked_at IS NULL AND (k.tenant_id IS NULL OR t.id IS NOT NULL)),
    touched AS (
      UPDATE api_keys SET last_used_at = now()
      WHERE api_keys.id = (SELECT k.id FROM k)
        AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < now() - interval '60 seconds'))
    SELECT k.id, k.tenant_id, k.role, k.secret_hash, k.tenant_status FROM k;
  PERFORM clearline_leave_platform_scope(previous);
END $$;

CREATE FUNCTION clearline_session_credential(session_token_hash text)
RETURNS TABLE (session_id uuid, id uuid, tenant_id uuid, email text, role text, created_at timestamptz, tenant_status text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  previous text := clearline_enter_platform_scope();
BEGIN
  RETURN QUERY
    SELECT s.id, u.id, u.tenant_id, u.email, u.role, u.created_at, t.status
    FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN tenants t ON t.id = u.tenant_id
    WHERE s.token_hash = session_token_hash AND s.revoked_at IS NULL AND s.expires_at > now() AND u.deleted_at IS NULL
      AND (u.tenant_id IS NULL OR t.deleted_at IS NULL);
  PERFORM clearline_leave_platform_scope(previous);
END $$;

-- Responses to creating POSTs, replayed for a repeated Idempotency-Key (kept 24 hours).
CREATE TABLE idempotency_keys (
  principal     text NOT NULL,
  key           text NOT NULL,
  tenant_id     uuid REFERENCES tenants (id),
  method        text NOT NULL,
  path          text NOT NULL,
  request_hash  text NOT NULL,
  status        integer,
  response      text,
  location      text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
SELECT clearline_guard_tenant_table('idempotency_keys', 'tenant_id');
