-- Intake writes an event and its first job per delivery. Each foreign key on those rows ran a
-- trigger per row (a query through SPI), and the ones to `tenants` and `webhook_endpoints` took
-- a share lock on that one row, which every concurrent commit of the tenant's deliveries then
-- shared (a new multixact each time): together a tenth of PostgreSQL's time under intake load.
-- Tenants and endpoints are never deleted for real (deleted_at, status), nor are events, so
-- these checks could never fire; row-level security, the tenant guard and the unique keys stay.
ALTER TABLE events DROP CONSTRAINT events_tenant_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_endpoint_id_fkey;
ALTER TABLE jobs DROP CONSTRAINT jobs_tenant_id_fkey;
ALTER TABLE jobs DROP CONSTRAINT jobs_event_id_fkey;
