-- A flow's rows, as 0025 and 0026 did for the queue's and intake's (issue 16). Each step wrote
-- a run_steps row and, for a record written, a sync_links row; each job moved to job_history;
-- each sale a run and a payment observation. Every one of those rows ran a foreign-key trigger
-- per key (a query through SPI) that took a share lock on its parent: the tenant's one row, the
-- run's, the event's. Locking a row writes it (its xmax, and a new multixact when another
-- transaction of the tenant holds it too), so every concurrent step of a tenant queued on and
-- rewrote the same tenant row. Tenants, events and runs are never deleted (deleted_at; a run
-- and its event are the record of what happened), and these rows are written only by the
-- transaction that read their run and event under the tenant's scope, so the checks could
-- never fire. Row-level security, the tenant guard and the unique keys stay.
ALTER TABLE run_steps DROP CONSTRAINT run_steps_run_id_fkey;
ALTER TABLE run_steps DROP CONSTRAINT run_steps_tenant_id_fkey;
ALTER TABLE sync_links DROP CONSTRAINT sync_links_run_id_fkey;
ALTER TABLE sync_links DROP CONSTRAINT sync_links_tenant_id_fkey;
ALTER TABLE runs DROP CONSTRAINT runs_tenant_id_fkey;
ALTER TABLE runs DROP CONSTRAINT runs_event_id_fkey;
ALTER TABLE job_history DROP CONSTRAINT job_history_event_id_fkey;
ALTER TABLE payment_observations DROP CONSTRAINT payment_observations_tenant_id_fkey;
