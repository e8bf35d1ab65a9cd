-- The credential vault and vendor connections.

-- One data key per tenant, wrapped by a versioned master key. Deleting the row erases every
-- secret of the tenant for good.
CREATE TABLE tenant_data_keys (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants (id),
  kek_version   integer NOT NULL,
  wrapped       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  rewrapped_at  timestamptz
);
CREATE INDEX tenant_data_keys_version ON tenant_data_keys (kek_version);
SELECT clearline_guard_tenant_table('tenant_data_keys', 'tenant_id');

CREATE TABLE connections (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  environment  text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  kind         text NOT NULL CHECK (kind IN ('paytrace', 'zoho', 'sage_pro')),
  name         text NOT NULL,
  settings     jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'untested',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz
);
CREATE INDEX connections_page ON connections (tenant_id, environment, created_at, id) WHERE deleted_at IS NULL;
SELECT clearline_guard_tenant_table('connections', 'tenant_id');

-- Sealed secrets: version goes up with every change and is part of the sealed context.
CREATE TABLE connection_secrets (
  connection_id  uuid NOT NULL REFERENCES connections (id),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  name           text NOT NULL,
  version        integer NOT NULL,
  ciphertext     text NOT NULL,
  hint           text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, name)
);
SELECT clearline_guard_tenant_table('connection_secrets', 'tenant_id');
