-- API keys are cached for a few seconds in each process (the bearer look-up was a round trip on
-- every request). Whatever ends or narrows a key's use is announced on one channel when it
-- commits, so every process drops its copy at once: a key revoked or deleted ('key:<prefix>'),
-- a tenant suspended, resumed or deleted ('tenant:<id>'). Triggers, so no path is forgotten
-- (the API, `clearline admin`, or SQL by hand).
CREATE FUNCTION clearline_announce_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('clearline_credentials', 'key:' || OLD.prefix);
  RETURN NULL;
END $$;

-- Not on the last_used_at stamp, which would empty the cache once a minute for nothing.
CREATE TRIGGER api_keys_announce AFTER UPDATE OF tenant_id, role, prefix, secret_hash, revoked_at OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION clearline_announce_key_change();

CREATE FUNCTION clearline_announce_tenant_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at THEN
    PERFORM pg_notify('clearline_credentials', 'tenant:' || OLD.id::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tenants_announce AFTER UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION clearline_announce_tenant_change();
