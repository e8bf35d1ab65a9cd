-- A rerun carries the explanations of earlier runs of the same settlement over to the
-- differences it finds again; only explained findings are looked at, and they are few.
CREATE INDEX reconciliation_findings_explained ON reconciliation_findings (tenant_id, reconciliation_id) WHERE explained_at IS NOT NULL;
