-- Flows, their immutable numbered versions, and per-environment deployments.

CREATE TABLE flows (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  name            text NOT NULL,
  description     text NOT NULL DEFAULT '',
  template_id     text,
  -- The definition being edited; publishing freezes a copy as the next version.
  draft           jsonb NOT NULL,
  draft_revision  integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE INDEX flows_page ON flows (tenant_id, created_at, id) WHERE deleted_at IS NULL;
SELECT clearline_guard_tenant_table('flows', 'tenant_id');

CREATE TABLE flow_versions (
  flow_id          uuid NOT NULL REFERENCES flows (id),
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  version          integer NOT NULL CHECK (version > 0),
  definition       jsonb NOT NULL,
  -- SHA-256 of the definition's canonical JSON (sorted keys).
  checksum         text NOT NULL,
  fixtures_passed  boolean NOT NULL,
  fixture_results  jsonb NOT NULL,
  notes            text NOT NULL DEFAULT '',
  published_by     text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (flow_id, version)
);
SELECT clearline_guard_tenant_table('flow_versions', 'tenant_id');

-- A published version never changes: what ran in qa is what reaches prod.
CREATE FUNCTION clearline_flow_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'flow versions are immutable' USING ERRCODE = '55000';
END $$;
CREATE TRIGGER flow_versions_immutable BEFORE UPDATE OR DELETE ON flow_versions
  FOR EACH ROW EXECUTE FUNCTION clearline_flow_versions_immutable();

-- Which version of each flow an environment runs. Connections are not here: each environment
-- keeps its own, so a promotion moves only this pointer.
CREATE TABLE deployments (
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  environment       text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  flow_id           uuid NOT NULL REFERENCES flows (id),
  version           integer NOT NULL,
  previous_version  integer,
  deployed_by       text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, environment, flow_id),
  FOREIGN KEY (flow_id, version) REFERENCES flow_versions (flow_id, version)
);
SELECT clearline_guard_tenant_table('deployments', 'tenant_id');

-- Append-only: every deploy, promotion and rollback.
CREATE TABLE deployment_history (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  environment       text NOT NULL,
  flow_id           uuid NOT NULL REFERENCES flows (id),
  action            text NOT NULL CHECK (action IN ('deploy', 'promote', 'rollback')),
  version           integer NOT NULL,
  previous_version  integer,
  from_environment  text,
  actor             text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX deployment_history_page ON deployment_history (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('deployment_history', 'tenant_id');

-- Per tenant: what a version needs before it may be promoted to prod.
CREATE TABLE promotion_policies (
  tenant_id          uuid PRIMARY KEY REFERENCES tenants (id),
  require_fixtures   boolean NOT NULL DEFAULT true,
  require_qa         boolean NOT NULL DEFAULT true,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
SELECT clearline_guard_tenant_table('promotion_policies', 'tenant_id');
