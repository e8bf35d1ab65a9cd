-- A delivery names only its endpoint: locating it now also says whether its tenant is active,
-- so a suspended tenant's endpoints stop acknowledging deliveries (a deleted tenant's were
-- already not found).
DROP FUNCTION clearline_locate_webhook_endpoint(uuid);

CREATE FUNCTION clearline_locate_webhook_endpoint(target uuid)
RETURNS TABLE (tenant_id uuid, environment text, status text, tenant_status text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  previous text := clearline_enter_platform_scope();
BEGIN
  RETURN QUERY
    SELECT e.tenant_id, e.environment, e.status, t.status FROM webhook_endpoints e JOIN tenants t ON t.id = e.tenant_id
    WHERE e.id = target AND t.deleted_at IS NULL;
  PERFORM clearline_leave_platform_scope(previous);
END $$;
