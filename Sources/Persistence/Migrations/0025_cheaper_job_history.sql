-- A job's history row and attempt rows are copies of what `jobs` already holds, and `jobs`
-- checks its tenant against `tenants`. Checking again on every history and attempt row (a
-- foreign-key trigger each, and a share lock on the tenant's row that every concurrent commit
-- of that tenant's jobs queues on) was a tenth of the queue's database time. Tenants are never
-- deleted for real (deleted_at), so nothing is lost; row-level security and the tenant guard
-- stay.
ALTER TABLE job_history DROP CONSTRAINT job_history_tenant_id_fkey;
ALTER TABLE job_attempts DROP CONSTRAINT job_attempts_tenant_id_fkey;
