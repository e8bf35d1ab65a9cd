-- An e-mail address is unique within a tenant (and among platform administrators), not across
-- tenants: one tenant's admin could otherwise learn, by a refused create, that an address is
-- used elsewhere, or take it first and keep another tenant from adding its own people.
DROP INDEX users_live_email;
CREATE UNIQUE INDEX users_live_email_per_tenant
  ON users (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), email) WHERE deleted_at IS NULL;
CREATE INDEX users_live_email ON users (email) WHERE deleted_at IS NULL;
