-- A run: one flow version executing one event, step by step (each step a job).
CREATE TABLE runs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  environment  text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  event_id     uuid NOT NULL REFERENCES events (id),
  flow_id      uuid NOT NULL REFERENCES flows (id),
  version      integer NOT NULL,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'review', 'failed')),
  detail       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- A dispatch repeated (a replay, a lost answer) finds the run it started.
  UNIQUE (event_id, flow_id)
);
CREATE INDEX runs_page ON runs (tenant_id, environment, created_at, id);
SELECT clearline_guard_tenant_table('runs', 'tenant_id');

CREATE TABLE run_steps (
  run_id       uuid NOT NULL REFERENCES runs (id),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  position     integer NOT NULL,
  step_id      text NOT NULL,
  target       text NOT NULL,
  status       text NOT NULL CHECK (status IN ('written', 'linked', 'skipped', 'invalid', 'failed')),
  record       jsonb,
  external_id  text,
  detail       text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, position)
);
SELECT clearline_guard_tenant_table('run_steps', 'tenant_id');

-- The cross-reference ledger: which target record a source key became. Written in the
-- transaction that completes the step, so a retried step finds it and writes nothing twice.
CREATE TABLE sync_links (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  environment  text NOT NULL CHECK (environment IN ('dev', 'qa', 'prod')),
  target       text NOT NULL,
  source_key   text NOT NULL,
  target_id    text NOT NULL,
  run_id       uuid REFERENCES runs (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, environment, target, source_key)
);
SELECT clearline_guard_tenant_table('sync_links', 'tenant_id');
