-- A tenant transaction's opening in one statement (issue 16): its scope set and its tenant's
-- liveness checked, where it was two (set_config, then a SELECT on tenants) before every
-- transaction's first statement of its own. PL/pgSQL runs them in order, so the check reads
-- `tenants` under the scope just set, as the separate SELECT did: row-level security shows a
-- tenant its own row. set_config(..., true) inside a function holds to the transaction's end.
-- `synchronous_commit`: 'off' for a transaction that need not wait for the WAL, else NULL.
CREATE FUNCTION clearline_enter_tenant(tenant uuid, synchronous_commit text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('clearline.scope', 'tenant', true), set_config('clearline.tenant_id', tenant::text, true);
  IF synchronous_commit IS NOT NULL THEN
    PERFORM set_config('synchronous_commit', synchronous_commit, true);
  END IF;
  RETURN EXISTS (SELECT 1 FROM tenants WHERE id = tenant AND deleted_at IS NULL);
END $$;
